using AddonProvider.Data;
using AddonProvider.Data.Entities;
using System.Text.Json.Serialization;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Credentials;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Admin;

/// <summary>Read-only views of resources for operators. Config vars are listed by name only: values are secrets.</summary>
public static class AdminResourceEndpoints
{
    public sealed record ResourceSummary(Guid Id, string Product, string Plan, string Region, string State, string? Name,
        string? OwnerEmail, DateTime CreatedAt, DateTime? DeprovisionedAt);

    /// <summary>An SSO user; only a verified one (user-scoped token) has a proven id and email and receives security mail.</summary>
    public sealed record Contact(string UserId, string? Email, bool Verified, DateTime LastLoginAt);

    public sealed record AuditView(long Id, DateTime At, string Actor, string Action, Guid? ResourceId, string? Product,
        string? Before, string? After, string? RequestId, string? Detail);

    public sealed record ResourceDetail(Guid Id, string Product, string Plan, string OriginalPlan, string Region, string? HerokuRegion,
        string State, string? Name, string? HerokuId, string? OwnerEmail, DateTime? OwnerEmailRefreshedAt, DateTime CreatedAt,
        DateTime UpdatedAt, DateTime? DeprovisionedAt, DateTime? PurgedAt, IReadOnlyList<string> ConfigVarNames,
        IReadOnlyList<Contact> SsoUsers, IReadOnlyList<AuditView> Audit,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Usage);

    public static RouteGroupBuilder MapAdminResourceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/resources").RequireAuthorization(AdminAuth.OperatorPolicy).WithTags("Admin: resources");
        group.MapGet("/", Search);
        group.MapGet("/{id:guid}", Detail);
        group.MapPost("/{id:guid}/rotate-credentials", Rotate);
        return group;
    }

    private static async Task<Results<Ok<Paged<ResourceSummary>>, ProblemHttpResult>> Search(
        AddonDbContext db, CancellationToken ct, string? product = null, string? plan = null, string? state = null, string? region = null,
        DateTime? createdFrom = null, DateTime? createdTo = null, string? ownerEmail = null, int? page = null, int? pageSize = null)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad.ToResult();
        var q = db.Resources.AsNoTracking();
        if (product is not null) q = q.Where(r => r.ProductId == product);
        if (plan is not null) q = q.Where(r => r.PlanSlug == plan);
        if (state is not null)
        {
            if (!Enum.TryParse<ResourceState>(state, ignoreCase: true, out var s))
                return Failure.BadRequest("state must be one of provisioning, provisioned, deprovisioned, failed.").ToResult();
            q = q.Where(r => r.State == s);
        }
        if (region is not null) q = q.Where(r => r.Region == region);
        if (createdFrom is { } from) q = q.Where(r => r.CreatedAt >= from.ToUniversalTime());
        if (createdTo is { } to) q = q.Where(r => r.CreatedAt <= to.ToUniversalTime());
        if (ownerEmail is not null) q = q.Where(r => r.OwnerEmail != null && r.OwnerEmail.ToLower() == ownerEmail.Trim().ToLower());
        var rows = await q.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).ToPageAsync(page, pageSize, ct);
        var result = new Paged<ResourceSummary>(rows.Items.Select(r => new ResourceSummary(r.Id, r.ProductId, r.PlanSlug, r.Region,
            r.State.ToString().ToLowerInvariant(), r.Name, r.OwnerEmail, r.CreatedAt, r.DeprovisionedAt)).ToList(), rows.Page, rows.PageSize, rows.Total);
        return TypedResults.Ok(result);
    }

    /// <summary>
    /// 202: the new credential is committed; pushing it to Heroku and revoking the old one after the overlap are jobs.
    /// The answer names the new credential but carries no secret.
    /// </summary>
    /// <summary>The optional body of a rotation: <c>{"revokePrevious": true}</c> ends the old credential now (a leak).</summary>
    public sealed record RotateRequest(bool RevokePrevious);

    private static async Task<Results<Accepted<RotationResult>, ProblemHttpResult>> Rotate(Guid id, HttpContext http, CredentialRotation rotation, CancellationToken ct)
    {
        var revokePrevious = false;
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await JsonBody.ReadAsync<RotateRequest>(http.Request, ct);
            if (body.Failure is { } bad) return bad.ToResult();
            revokePrevious = body.Value!.RevokePrevious;
        }
        var outcome = await rotation.RotateAsync(id, http.User.Actor(), http.TraceIdentifier, revokePrevious, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Accepted($"/admin/resources/{id}", outcome.Value);
    }

    private static async Task<Results<Ok<ResourceDetail>, ProblemHttpResult>> Detail(Guid id, AddonDbContext db, Products products, TimeProvider clock, CancellationToken ct)
    {
        var r = await db.Resources.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return Failure.NotFound($"No resource {id}.").ToResult();
        var users = await db.SsoUsers.AsNoTracking().Where(u => u.ResourceId == id).OrderByDescending(u => u.LastLoginAt)
            .Select(u => new Contact(u.UserId, u.Email, u.Verified, u.LastLoginAt)).ToListAsync(ct);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.ResourceId == id).OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Take(200).Select(AdminAuditEndpoints.View).ToListAsync(ct);
        // A product without usage counters has no member at all.
        var product = products.For(r.ProductId);
        var usage = await product.UsageAsync(id, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
        return TypedResults.Ok(new ResourceDetail(r.Id, r.ProductId, r.PlanSlug, r.OriginalPlanSlug, r.Region, r.HerokuRegion,
            r.State.ToString().ToLowerInvariant(), r.Name, r.HerokuId, r.OwnerEmail, r.OwnerEmailRefreshedAt, r.CreatedAt, r.UpdatedAt,
            r.DeprovisionedAt, r.PurgedAt, product.Info.ConfigVarNames, users, audit, usage));
    }
}
