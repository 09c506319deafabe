using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Heroku;

/// <summary>A resource has no usable Platform API token (no grant came, or it was refused).</summary>
public sealed class NoPlatformTokenException(Guid resourceId)
    : Exception($"Resource {resourceId} has no Platform API token: its provision carried no usable oauth_grant.");

/// <summary>
/// The OAuth tokens of each resource: exchanges the provision's grant code, refreshes before expiry, and hands
/// out access tokens. Renewals happen under a row lock so two jobs never spend the same grant or refresh token.
/// </summary>
public sealed class HerokuTokens(
    AddonDbContext db, SecretBox secrets, HerokuOAuthClient oauth, OAuthClientSecrets clientSecrets, Products products, HerokuOptions options, TimeProvider clock)
{
    public const string Actor = "heroku-oauth";

    /// <summary>Exchanges a pending grant; a no-op when it was already exchanged. Follow-up jobs go in the same commit.</summary>
    public async Task ExchangeGrantAsync(Guid resourceId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await LockAsync(resourceId, ct);
        if (row?.GrantCodeCiphertext is null) return; // exchanged already, or never granted
        var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == resourceId, ct);
        var now = clock.GetUtcNow().UtcDateTime;

        if (row.GrantExpiresAt <= now)
            Reject(row, resource, now, "oauth_grant_expired", $"the grant expired at {row.GrantExpiresAt:O}");
        else
        {
            try
            {
                var tokens = await oauth.ExchangeAsync(secrets.Decrypt(row.GrantCodeCiphertext), ClientSecret(resource), ct);
                Store(row, tokens, now);
                row.GrantCodeCiphertext = null;
                db.AuditLog.Add(AuditLog.Entry(now, Actor, "oauth_grant_exchanged", resource));
                db.Enqueue(JobKinds.RefreshOwnerEmail, resourceId.ToString(), now);
                db.Enqueue(JobKinds.RefreshAccessList, resourceId.ToString(), now);
                products.For(resource.ProductId).AfterGrantExchanged(db, resource, now);
            }
            catch (OAuthRejectedException e)
            {
                Reject(row, resource, now, "oauth_grant_rejected", $"Heroku answered {(int)e.Status}");
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// A current access token: refreshed first when it expires within five minutes, or when
    /// <paramref name="rejected"/> (a token Heroku just answered 401 to) is still the stored one.
    /// </summary>
    public async Task<string> AccessTokenAsync(Guid resourceId, string? rejected, CancellationToken ct)
    {
        var row = await db.HerokuTokens.AsNoTracking().SingleOrDefaultAsync(t => t.ResourceId == resourceId, ct);
        if (row is not null && Usable(row) is { } token && token != rejected) return token;
        if (row?.GrantCodeCiphertext is not null) await ExchangeGrantAsync(resourceId, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        row = await LockAsync(resourceId, ct);
        if (row?.RefreshTokenCiphertext is null) throw new NoPlatformTokenException(resourceId);
        if (Usable(row) is { } renewed && renewed != rejected) return renewed; // another job refreshed it meanwhile

        var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == resourceId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var fresh = await oauth.RefreshAsync(secrets.Decrypt(row.RefreshTokenCiphertext), ClientSecret(resource), ct);
        Store(row, fresh, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return fresh.AccessToken;
    }

    private string? Usable(HerokuToken row) =>
        row.AccessTokenCiphertext is not null && row.AccessTokenExpiresAt > clock.GetUtcNow().UtcDateTime + options.RefreshBeforeExpiry
            ? secrets.Decrypt(row.AccessTokenCiphertext)
            : null;

    private void Store(HerokuToken row, TokenResponse tokens, DateTime now)
    {
        row.AccessTokenCiphertext = secrets.Encrypt(tokens.AccessToken);
        // Heroku may or may not issue a new refresh token on refresh; keep the old one when it does not.
        if (!string.IsNullOrEmpty(tokens.RefreshToken)) row.RefreshTokenCiphertext = secrets.Encrypt(tokens.RefreshToken);
        row.AccessTokenExpiresAt = now.AddSeconds(tokens.ExpiresIn);
        row.HerokuUserId = tokens.UserId ?? row.HerokuUserId;
        row.UpdatedAt = now;
    }

    private void Reject(HerokuToken row, Resource resource, DateTime now, string action, string reason)
    {
        row.GrantCodeCiphertext = null;
        row.UpdatedAt = now;
        db.AuditLog.Add(AuditLog.Entry(now, Actor, action, resource, detail: System.Text.Json.JsonSerializer.Serialize(new { reason })));
    }

    private string ClientSecret(Resource resource) => clientSecrets.For(resource.ProductId);

    private async Task<HerokuToken?> LockAsync(Guid resourceId, CancellationToken ct) =>
        (await db.HerokuTokens.FromSql($"SELECT * FROM heroku_tokens WHERE resource_id = {resourceId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
}
