using AddonProvider.Data;
using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Security;

/// <summary>Which resources an advisory affects: all given criteria hold, and the resource is still live.</summary>
public static class AdvisoryTargeting
{
    public static IQueryable<Resource> Affected(AddonDbContext db, Advisory a)
    {
        // Deprovisioned (and failed) resources are never targeted: their customers no longer run them.
        var q = db.Resources.Where(r => r.State == ResourceState.Provisioned || r.State == ResourceState.Provisioning);
        if (a.AffectedProducts.Count > 0) q = q.Where(r => a.AffectedProducts.Contains(r.ProductId));
        if (a.AffectedPlans.Count > 0) q = q.Where(r => a.AffectedPlans.Contains(r.ProductId + ":" + r.PlanSlug));
        if (a.AffectedRegions.Count > 0) q = q.Where(r => a.AffectedRegions.Contains(r.Region));
        if (a.ProvisionedFrom is { } from) q = q.Where(r => r.CreatedAt >= from);
        if (a.ProvisionedTo is { } to) q = q.Where(r => r.CreatedAt <= to);
        if (a.AffectedResourceIds.Count > 0) q = q.Where(r => a.AffectedResourceIds.Contains(r.Id));
        return q;
    }
}
