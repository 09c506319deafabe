using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Admin.AdminResourceEndpoints;

namespace AddonProvider.Web.Admin;

/// <summary>What operators filter resources by; every given criterion must hold.</summary>
public sealed record ResourceFilter(Guid? Id = null, string? Name = null, string? Product = null, string? Plan = null, string? State = null,
    string? Region = null, DateTime? CreatedFrom = null, DateTime? CreatedTo = null, string? OwnerEmail = null);

/// <summary>The resource search and detail behind both GET /admin/resources[/{id}] and the console's resource pages.</summary>
public sealed class ResourceQueries(AddonDbContext db, Products products, TimeProvider clock)
{
    public async Task<Outcome<Paged<ResourceSummary>>> SearchAsync(ResourceFilter f, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad;
        var q = db.Resources.AsNoTracking();
        if (f.Id is { } id) q = q.Where(r => r.Id == id);
        if (f.Name is { Length: > 0 } name) q = q.Where(r => r.Name != null && r.Name.ToLower().Contains(name.Trim().ToLower()));
        if (f.Product is { Length: > 0 } product) q = q.Where(r => r.ProductId == product);
        if (f.Plan is { Length: > 0 } plan) q = q.Where(r => r.PlanSlug == plan);
        if (f.State is { Length: > 0 } state)
        {
            if (!Enum.TryParse<ResourceState>(state, ignoreCase: true, out var s) || int.TryParse(state, out _))
                return Failure.BadRequest($"state must be one of {string.Join(", ", Enum.GetNames<ResourceState>().Select(n => n.ToLowerInvariant()))}.");
            q = q.Where(r => r.State == s);
        }
        if (f.Region is { Length: > 0 } region) q = q.Where(r => r.Region == region);
        if (f.CreatedFrom is { } from) q = q.Where(r => r.CreatedAt >= from.ToUniversalTime());
        if (f.CreatedTo is { } to) q = q.Where(r => r.CreatedAt <= to.ToUniversalTime());
        if (f.OwnerEmail is { Length: > 0 } owner) q = q.Where(r => r.OwnerEmail != null && r.OwnerEmail.ToLower() == owner.Trim().ToLower());
        var rows = await q.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).ToPageAsync(page, pageSize, ct);
        return new Paged<ResourceSummary>(rows.Items.Select(r => new ResourceSummary(r.Id, r.ProductId, r.PlanSlug, r.Region,
            r.State.ToString().ToLowerInvariant(), r.Name, r.OwnerEmail, r.CreatedAt, r.DeprovisionedAt)).ToList(), rows.Page, rows.PageSize, rows.Total);
    }

    public async Task<Outcome<ResourceDetail>> DetailAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Resources.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return Failure.NotFound($"No resource {id}.");
        var users = await db.SsoUsers.AsNoTracking().Where(u => u.ResourceId == id).OrderByDescending(u => u.LastLoginAt)
            .Select(u => new Contact(u.UserId, u.Email, u.Verified, u.LastLoginAt)).ToListAsync(ct);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.ResourceId == id).OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Take(200).Select(AdminAuditEndpoints.View).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var credentials = (await db.Credentials.AsNoTracking().Where(c => c.ResourceId == id).OrderByDescending(c => c.CreatedAt).ToListAsync(ct))
            .Select(c => new CredentialView(c.Id, c.Username, c.CreatedAt, c.ExpiresAt, c.RevokedAt,
                c.RevokedAt is not null ? "revoked" : c.IsValidAt(now) ? (c.ExpiresAt is null ? "current" : "expiring") : "expired")).ToList();
        // A product without usage counters has no member at all.
        var product = products.For(r.ProductId);
        var usage = await product.UsageAsync(id, DateOnly.FromDateTime(now), ct);
        return new ResourceDetail(r.Id, r.ProductId, r.PlanSlug, r.OriginalPlanSlug, r.Region, r.HerokuRegion,
            r.State.ToString().ToLowerInvariant(), r.Name, r.HerokuId, r.OwnerEmail, r.OwnerEmailRefreshedAt, r.CreatedAt, r.UpdatedAt,
            r.DeprovisionedAt, r.PurgedAt, product.Info.ConfigVarNames, users, audit, usage, credentials);
    }
}
