using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Credentials;

public sealed record RotationResult(long CredentialId, string? Username, DateTime PreviousValidUntil);

/// <summary>
/// Replaces a resource's credential (whatever its product issues: a user and password, or a key). The new one is issued now and pushed to Heroku by a job; the old one stays valid for
/// CREDENTIAL_OVERLAP, because dynos pick up new config only when they restart, and is then revoked by a
/// scheduled job. Called by the admin API and the customer dashboard.
/// </summary>
public sealed class CredentialRotation(AddonDbContext db, Products products, CredentialOptions options, TimeProvider clock)
{
    /// <param name="revokePrevious">
    /// The previous credentials stop working now instead of after the overlap (a leak): every credential still in force,
    /// including one left in an earlier rotation's overlap. The refusal reaches every key cache within seconds, and the
    /// product's own revocation (a cluster user, say) runs as a job at once.
    /// </param>
    public async Task<Outcome<RotationResult>> RotateAsync(Guid resourceId, string actor, string? requestId, bool revokePrevious = false, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock serialises two rotations of one resource, and a rotation with a deprovision.
        var resource = await db.LockResourceAsync(resourceId, null, ct);
        if (resource is null) return Failure.NotFound("No such resource.");
        var product = products.For(resource.ProductId);
        if (!product.HasCredentials)
            return Failure.Unprocessable($"{product.Info.Name} resources have no credential to rotate.");
        if (resource.State != ResourceState.Provisioned)
            return Failure.Conflict($"Only a provisioned resource's credential can be rotated; this one is {resource.State.ToString().ToLowerInvariant()}.");

        var now = clock.GetUtcNow().UtcDateTime;
        var validUntil = revokePrevious ? now : now + options.Overlap;
        var current = revokePrevious
            ? await db.Credentials.Where(c => c.ResourceId == resourceId && c.RevokedAt == null && (c.ExpiresAt == null || c.ExpiresAt > now)).ToListAsync(ct)
            : await db.Credentials.Current(resourceId).ToListAsync(ct);
        var (fresh, _) = product.IssueCredential(resource, now)!.Value;
        db.Credentials.Add(fresh);
        foreach (var old in current)
        {
            old.ExpiresAt = validUntil;
            if (revokePrevious) db.Enqueue(JobKinds.RevokeCredential, old.Id.ToString(), now);
            else db.Schedule(JobKinds.RevokeCredential, old.Id.ToString(), validUntil, now);
        }
        await db.SaveChangesAsync(ct); // the new credential's id, for the audit row

        db.Enqueue(JobKinds.PushRotatedCredential, resourceId.ToString(), now);
        db.AuditLog.Add(AuditLog.Entry(now, actor, "credential_rotate", resource, requestId: requestId,
            before: string.Join(",", current.Select(c => c.Username ?? $"credential {c.Id}")),
            after: fresh.Username ?? $"credential {fresh.Id}",
            detail: JsonSerializer.Serialize(new { new_credential_id = fresh.Id, previous_credential_ids = current.Select(c => c.Id), previous_valid_until = validUntil, revoke_previous = revokePrevious })));
        AppLog.Write(db, resourceId, now, revokePrevious
            ? "Credentials rotated: a new credential was issued and every previous one was revoked at once. Config vars update when Heroku applies them; restart dynos that still use the old values."
            : $"Credentials rotated: a new credential was issued; the previous one keeps working until {validUntil:yyyy-MM-dd HH:mm} UTC, then it is revoked. Config vars update when Heroku applies them.");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new RotationResult(fresh.Id, fresh.Username, validUntil);
    }
}
