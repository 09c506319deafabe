using AddonProvider.Web.Jobs;
using AddonProvider.Web.Provisioning;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Sso;

/// <summary>
/// Who a successful SSO login is: the session is bound to exactly this resource and user. Only a
/// <paramref name="Verified"/> login (user-scoped token) proves <paramref name="UserId"/> and <paramref name="Email"/>;
/// otherwise they are whatever the form claimed, and never used as an address or an actor.
/// </summary>
public sealed record SsoIdentity(Guid ResourceId, string ProductId, string UserId, string? Email, string? App, bool Verified);

/// <summary>
/// Checks an SSO request. The hot path is deliberately two round trips: one resource look-up, then one
/// statement that claims the token, records the weaker ones beside it and upserts the user (a CTE, so a replay
/// touches nothing).
/// </summary>
public sealed class SsoLogin(AddonDbContext db, AddonCredentials credentials, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(1);

    public const string Refused = "This sign-in link is not valid. Open the add-on again from your Heroku dashboard.";
    public const string Expired = "This sign-in link has expired. Open the add-on again from your Heroku dashboard.";
    public const string Replayed = "This sign-in link was already used. Open the add-on again from your Heroku dashboard.";
    public const string Inactive = "This add-on is no longer active.";

    private static readonly Func<AddonDbContext, Guid, Task<ResourceHead?>> FindResource =
        EF.CompileAsyncQuery((AddonDbContext db, Guid id) =>
            db.Resources.AsNoTracking().Where(r => r.Id == id).Select(r => new ResourceHead(r.ProductId, r.State)).FirstOrDefault());

    private sealed record ResourceHead(string ProductId, ResourceState State);

    /// <summary>The identity to sign in, or the message of a 403.</summary>
    public async Task<(SsoIdentity? Identity, string? Refusal)> VerifyAsync(SsoRequest request, CancellationToken ct)
    {
        if (SsoTokens.Strongest(request) is not var (token, subjectId, kind))
            return (null, Refused);
        if (!long.TryParse(request.Timestamp, System.Globalization.NumberStyles.None, null, out var timestamp))
            return (null, Refused);
        if (!Guid.TryParse(subjectId, out var resourceId))
            return (null, Refused);
        if (kind == SsoTokenKind.UserScoped && (string.IsNullOrEmpty(request.UserId) || request.Email is null))
            return (null, Refused);
        if (request.UserId is { Length: > 100 } || request.Email is { Length: > 320 } || token.Length > 64)
            return (null, Refused);

        var now = clock.GetUtcNow();
        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if (now - issued > MaxAge || issued - now > MaxSkew)
            return (null, Expired);

        var resource = await FindResource(db, resourceId);
        // Unknown and deprovisioned answer alike, and only after the token check, so neither is an oracle.
        var secrets = resource is null ? null : credentials.For(resource.ProductId);
        var valid = SsoTokens.Matches(kind, token, subjectId, request.Timestamp!, request.UserId, request.Email,
            secrets?.SsoSalt ?? "\0", secrets?.PreviousSsoSalt);
        if (!valid || resource is null) return (null, Refused);
        if (resource.State is not (ResourceState.Provisioned or ResourceState.Provisioning)) return (null, Inactive);

        var verified = kind == SsoTokenKind.UserScoped;
        var userId = request.UserId ?? "";
        var expires = issued.UtcDateTime + MaxAge + MaxSkew;
        var nowUtc = now.UtcDateTime;
        var tokenKey = token.ToLowerInvariant();
        var alongside = SsoTokens.Alongside(request, kind).Where(t => t != tokenKey).ToArray();
        // One statement: claim the token that verified this login (a replay, under any user id, claims nothing and
        // so writes nothing), record the weaker tokens sent with it without needing them (two team members opening
        // the add-on in the same second carry the same weak tokens), and upsert the user. An unverified login never
        // overwrites a verified user's row, and its claimed email stays marked unverified.
        var claimed = await db.Database.SqlQuery<int>($"""
            WITH used AS (
                INSERT INTO sso_token_uses (token, user_id, expires_at) VALUES ({tokenKey}, {userId}, {expires})
                ON CONFLICT DO NOTHING RETURNING 1),
            alongside AS (
                INSERT INTO sso_token_uses (token, user_id, expires_at)
                SELECT t, {userId}, {expires} FROM unnest({alongside}::varchar[]) AS t WHERE EXISTS (SELECT 1 FROM used)
                ON CONFLICT DO NOTHING),
            contact AS (
                INSERT INTO sso_users (resource_id, user_id, email, verified, first_login_at, last_login_at)
                SELECT {resourceId}, {userId}, {request.Email}, {verified}, {nowUtc}, {nowUtc} FROM used WHERE {userId} <> ''
                ON CONFLICT (resource_id, user_id) DO UPDATE
                    SET email = COALESCE(excluded.email, sso_users.email), verified = excluded.verified, last_login_at = excluded.last_login_at
                    WHERE excluded.verified OR NOT sso_users.verified)
            SELECT count(*)::int AS "Value" FROM used
            """).ToListAsync(ct);
        if (claimed is not [1]) return (null, Replayed);

        return (new SsoIdentity(resourceId, resource.ProductId, userId, request.Email, request.App, verified), null);
    }

    /// <summary>
    /// A verified user the resource's user access list does not name (a new collaborator, say) has the list read again
    /// from Heroku — for resources holding a grant, unless a read is already queued.
    /// </summary>
    public async Task QueueAccessListCheckAsync(SsoIdentity identity, CancellationToken ct)
    {
        var id = identity.ResourceId;
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await AccessListReadDue(db, id, identity.UserId, identity.Email, now - AccessListRereadAfter).AnyAsync(ct)) return;
        db.Enqueue(JobKinds.RefreshAccessList, id.ToString(), now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// How long after a read of a resource's access list a login by someone it does not name asks for another. Each read
    /// is three or four Platform API calls on the customer's grant; without a pause, one user who is not on the list
    /// (or a script replaying logins) had the worker call Heroku on every login.
    /// </summary>
    public static readonly TimeSpan AccessListRereadAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The grant of a resource whose access list should be read again for this user: non-empty when the resource holds
    /// a grant, the list does not name the user, it was not read (or tried) after <paramref name="notReadSince"/>, and no
    /// read is queued. Runs on every verified login, so each part is an index look-up (the queued read through
    /// <c>ix_outbox_pending_kind_argument</c>), whatever the outbox's size.
    /// </summary>
    internal static IQueryable<HerokuToken> AccessListReadDue(AddonDbContext db, Guid id, string userId, string? email, DateTime notReadSince)
    {
        var argument = id.ToString();
        var normalized = email?.Trim().ToLowerInvariant() ?? "";
        return db.HerokuTokens.Where(t => t.ResourceId == id && t.RefreshTokenCiphertext != null
            && !db.AccessListEntries.Any(e => e.ResourceId == id && (e.HerokuUserId == userId || e.Email.ToLower() == normalized))
            && !db.AccessLists.Any(l => l.ResourceId == id && l.LastAttemptAt > notReadSince)
            && !db.Outbox.Any(m => m.Kind == JobKinds.RefreshAccessList && m.Argument == argument && m.DispatchedAt == null));
    }
}
