using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Credentials;

/// <summary>
/// After a rotation: the product makes the new credential work where it is used (a cluster user, say), then Heroku gets the new config vars. Pushing the
/// same values twice is harmless, so a retry just repeats it.
/// </summary>
public sealed class PushRotatedCredentialJob(
    AddonDbContext db, Products products, PlatformApiClient platform, TimeProvider clock) : IJob
{
    public const string Actor = "credential-rotation";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        var resource = await db.Resources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (resource is not { State: ResourceState.Provisioned }) return;
        var credential = await db.CurrentCredentialAsync(id, ct) ?? throw new InvalidOperationException($"Resource {id} has no current credential.");
        var product = products.For(resource.ProductId);
        await product.BeforeCredentialPushAsync(resource, ct);

        string action;
        try
        {
            await platform.UpdateConfigAsync(id, product.RenderConfig(resource, credential), ct);
            action = "credential_pushed";
        }
        catch (NoPlatformTokenException)
        {
            // Without a grant there is no way to set config; the operator tells the customer instead.
            action = "credential_push_skipped";
        }
        db.AuditLog.Add(AuditLog.Entry(clock.GetUtcNow().UtcDateTime, Actor, action, resource, after: credential.Username ?? $"credential {credential.Id}",
            detail: JsonSerializer.Serialize(new { credential_id = credential.Id })));
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Scheduled for the end of a rotation's overlap window: the replaced credential stops working.</summary>
public sealed class RevokeCredentialJob(AddonDbContext db, Products products, TimeProvider clock) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var credential = await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == long.Parse(argument), ct);
        if (credential is null || credential.RevokedAt is not null || credential.ExpiresAt is not { } expiresAt) return;
        var now = clock.GetUtcNow().UtcDateTime;
        if (expiresAt > now)
            throw new InvalidOperationException($"Credential {credential.Id} is valid until {expiresAt:O}; revoking it early would cut off the customer.");

        var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == credential.ResourceId, ct);
        await products.For(resource.ProductId).RevokeCredentialAsync(credential, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Credentials.Where(c => c.Id == credential.Id && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), ct);
        if (changed == 1)
        {
            db.AuditLog.Add(AuditLog.Entry(now, PushRotatedCredentialJob.Actor, "credential_revoke", resource,
                before: credential.Username ?? $"credential {credential.Id}", after: "revoked",
                detail: JsonSerializer.Serialize(new { credential_id = credential.Id })));
            AppLog.Write(db, resource.Id, now, $"Credential revoked: the credential replaced by a rotation (id {credential.Id}) no longer works.");
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
