using System.Linq.Expressions;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Admin.AdminResourceEndpoints;

namespace AddonProvider.Web.Admin;

/// <summary>The audit log, newest first, filtered by resource, product, actor, action and time.</summary>
public static class AdminAuditEndpoints
{
    public static readonly Expression<Func<AuditEntry, AuditView>> View = a =>
        new AuditView(a.Id, a.At, a.Actor, a.Action, a.ResourceId, a.ProductId, a.Before, a.After, a.RequestId, a.Detail);

    public static RouteGroupBuilder MapAdminAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/audit").RequireAuthorization(AdminAuth.OperatorPolicy).WithTags("Admin: audit");
        group.MapGet("/", Search);
        return group;
    }

    private static async Task<Results<Ok<Paged<AuditView>>, ProblemHttpResult>> Search(
        AddonDbContext db, CancellationToken ct, Guid? resourceId = null, string? product = null, string? actor = null, string? action = null,
        DateTime? from = null, DateTime? to = null, int? page = null, int? pageSize = null)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad.ToResult();
        var q = db.AuditLog.AsNoTracking();
        if (resourceId is { } rid) q = q.Where(a => a.ResourceId == rid);
        if (product is not null) q = q.Where(a => a.ProductId == product);
        if (actor is not null) q = q.Where(a => a.Actor == actor);
        if (action is not null) q = q.Where(a => a.Action == action);
        if (from is { } f) q = q.Where(a => a.At >= f.ToUniversalTime());
        if (to is { } t) q = q.Where(a => a.At <= t.ToUniversalTime());
        return TypedResults.Ok(await q.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Select(View).ToPageAsync(page, pageSize, ct));
    }
}
