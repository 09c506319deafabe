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
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Usage,
        IReadOnlyList<CredentialView> Credentials);

    /// <summary>A credential we issued, without its secret: `current`, `expiring` (in a rotation's overlap), `expired` or `revoked`.</summary>
    public sealed record CredentialView(long Id, string? Username, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? RevokedAt, string State);

    public static RouteGroupBuilder MapAdminResourceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/resources").RequireAuthorization(AdminAuth.OperatorPolicy).WithTags("Admin: resources");
        group.MapGet("/", Search);
        group.MapGet("/{id:guid}", Detail);
        group.MapPost("/{id:guid}/rotate-credentials", Rotate);
        return group;
    }

    private static async Task<Results<Ok<Paged<ResourceSummary>>, ProblemHttpResult>> Search(
        ResourceQueries queries, CancellationToken ct, Guid? id = null, string? name = null, string? product = null, string? plan = null,
        string? state = null, string? region = null, DateTime? createdFrom = null, DateTime? createdTo = null, string? ownerEmail = null,
        int? page = null, int? pageSize = null)
    {
        var outcome = await queries.SearchAsync(new ResourceFilter(id, name, product, plan, state, region, createdFrom, createdTo, ownerEmail), page, pageSize, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
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

    private static async Task<Results<Ok<ResourceDetail>, ProblemHttpResult>> Detail(Guid id, ResourceQueries queries, CancellationToken ct)
    {
        var outcome = await queries.DetailAsync(id, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }
}
