using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Admin;

/// <summary>
/// An operator stops an add-on short of deprovisioning it (abuse, non-payment) and lets it run again. A suspension is
/// three nullable columns beside the lifecycle state, not a state: the resource stays <c>provisioned</c>, so Heroku's plan
/// changes and deprovision apply as always, and whatever checks <c>provisioned</c> keeps its meaning. Each real change is
/// one compare-and-set in one transaction with its audit row and the product's follow-up jobs; repeating either call
/// changes nothing. Called by the admin API and the console.
/// </summary>
public sealed class ResourceSuspension(AddonDbContext db, Products products, TimeProvider clock)
{
    public const int MaxReasonLength = 500;
    public const string SuspendAction = "suspend";
    public const string ResumeAction = "resume";
    public const string SuspendedState = "suspended";

    /// <summary>The reason, trimmed, or the failure naming what is wrong with it. Required for a suspension, optional for a resume.</summary>
    public static Outcome<string?> CheckReason(string? reason, bool required)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return required ? Failure.Unprocessable("reason is required: say why the add-on is suspended (1-500 characters).") : new Outcome<string?>(null, null);
        if (trimmed.Length > MaxReasonLength)
            return Failure.Unprocessable($"reason is {trimmed.Length} characters long; at most {MaxReasonLength} are allowed.");
        return trimmed;
    }

    /// <summary>Suspends a provisioned resource. True when this call suspended it, false when it already was (nothing changed).</summary>
    public async Task<Outcome<bool>> SuspendAsync(Guid id, string? reason, string actor, string? requestId, CancellationToken ct)
    {
        var checkedReason = CheckReason(reason, required: true);
        if (checkedReason.Failure is { } bad) return bad;
        var why = checkedReason.Value!;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // The update's row lock holds until commit, so a concurrent deprovision or plan change waits for it (and it for them).
        var changed = await db.Resources.Where(r => r.Id == id && r.State == ResourceState.Provisioned && r.SuspendedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.SuspendedAt, now).SetProperty(r => r.SuspensionReason, why)
                .SetProperty(r => r.SuspendedBy, actor).SetProperty(r => r.UpdatedAt, now), ct);
        var resource = await db.Resources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null) return Failure.NotFound($"No resource {id}.");
        if (changed == 0)
        {
            if (resource.IsSuspended) return false;
            return Failure.Conflict($"Only a provisioned resource can be suspended; this one is {resource.State.ToString().ToLowerInvariant()}.");
        }

        db.AuditLog.Add(AuditLog.Entry(now, actor, SuspendAction, resource, before: "provisioned", after: "suspended",
            requestId: requestId, detail: JsonSerializer.Serialize(new { reason = why })));
        products.For(resource.ProductId).AfterSuspend(db, resource, now);
        AppLog.Suspended(db, resource.Id, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Resumes a suspended resource. True when this call resumed it, false when it was not suspended (nothing changed).</summary>
    public async Task<Outcome<bool>> ResumeAsync(Guid id, string? reason, string actor, string? requestId, CancellationToken ct)
    {
        var checkedReason = CheckReason(reason, required: false);
        if (checkedReason.Failure is { } bad) return bad;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Locked first, so the suspension the audit row records is the one this call ends.
        var before = await db.LockResourceAsync(id, null, ct);
        if (before is null) return Failure.NotFound($"No resource {id}.");
        // A deprovisioned resource keeps its suspension columns as history: it is not resumed into anything.
        var changed = await db.Resources.Where(r => r.Id == id && r.State == ResourceState.Provisioned && r.SuspendedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.SuspendedAt, (DateTime?)null).SetProperty(r => r.SuspensionReason, (string?)null)
                .SetProperty(r => r.SuspendedBy, (string?)null).SetProperty(r => r.UpdatedAt, now), ct);
        if (changed == 0) return false;

        var resource = before;
        db.AuditLog.Add(AuditLog.Entry(now, actor, ResumeAction, resource, before: "suspended", after: "provisioned", requestId: requestId,
            detail: JsonSerializer.Serialize(new
            {
                reason = checkedReason.Value,
                suspended_at = before.SuspendedAt, suspension_reason = before.SuspensionReason, suspended_by = before.SuspendedBy,
            })));
        products.For(resource.ProductId).AfterResume(db, resource, now);
        AppLog.Resumed(db, resource.Id, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The state operators see: the lifecycle state, or <c>suspended</c> for a suspended provisioned resource.</summary>
    public static string StateName(ResourceState state, DateTime? suspendedAt) =>
        state == ResourceState.Provisioned && suspendedAt is not null ? SuspendedState : state.ToString().ToLowerInvariant();
}
