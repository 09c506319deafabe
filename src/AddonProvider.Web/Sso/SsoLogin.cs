using AddonProvider.Web.Provisioning;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Sso;

/// <summary>Who a successful SSO login is: the session is bound to exactly this resource and user.</summary>
public sealed record SsoIdentity(Guid ResourceId, string ProductId, string UserId, string? Email, string? App);

/// <summary>
/// Checks an SSO request. The hot path is deliberately three round trips: one resource look-up, then one
/// statement that both claims the (token, user) pair and upserts the user (a CTE, so a replay touches nothing).
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

        var userId = request.UserId ?? "";
        var expires = issued.UtcDateTime + MaxAge + MaxSkew;
        var nowUtc = now.UtcDateTime;
        var tokenKey = token.ToLowerInvariant();
        int claimed;
        if (userId.Length == 0)
        {
            claimed = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO sso_token_uses (token, user_id, expires_at) VALUES ({tokenKey}, '', {expires}) ON CONFLICT DO NOTHING", ct);
        }
        else
        {
            claimed = await db.Database.ExecuteSqlAsync($"""
                WITH used AS (
                    INSERT INTO sso_token_uses (token, user_id, expires_at) VALUES ({tokenKey}, {userId}, {expires})
                    ON CONFLICT DO NOTHING RETURNING 1)
                INSERT INTO sso_users (resource_id, user_id, email, first_login_at, last_login_at)
                SELECT {resourceId}, {userId}, {request.Email}, {nowUtc}, {nowUtc} FROM used
                ON CONFLICT (resource_id, user_id) DO UPDATE
                    SET email = COALESCE(excluded.email, sso_users.email), last_login_at = excluded.last_login_at
                """, ct);
        }
        if (claimed == 0) return (null, Replayed);

        return (new SsoIdentity(resourceId, resource.ProductId, userId, request.Email, request.App), null);
    }
}
