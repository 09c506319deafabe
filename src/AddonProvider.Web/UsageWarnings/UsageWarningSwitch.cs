using AddonProvider.Data;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Errors;

namespace AddonProvider.Web.UsageWarnings;

public sealed record UsageWarningsSetting(Guid ResourceId, bool Enabled, DateTime? DisabledAt);

/// <summary>Operators turn a resource's usage warnings off (or on again): the admin API and the console both come here.</summary>
public sealed class UsageWarningSwitch(AddonDbContext db, TimeProvider clock)
{
    public async Task<Outcome<UsageWarningsSetting>> SetAsync(Guid id, bool enabled, string actor, string? requestId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var resource = await db.LockResourceAsync(id, null, ct);
        if (resource is null) return Failure.NotFound($"No resource {id}.");
        var now = clock.GetUtcNow().UtcDateTime;
        var wasEnabled = resource.UsageWarningsDisabledAt is null;
        if (wasEnabled != enabled)
        {
            resource.UsageWarningsDisabledAt = enabled ? null : now;
            resource.UpdatedAt = now;
            db.AuditLog.Add(AuditLog.Entry(now, actor, "usage_warnings", resource,
                before: wasEnabled ? "enabled" : "disabled", after: enabled ? "enabled" : "disabled", requestId: requestId));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new UsageWarningsSetting(id, enabled, resource.UsageWarningsDisabledAt);
    }
}
