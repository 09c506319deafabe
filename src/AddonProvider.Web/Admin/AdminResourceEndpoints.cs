using AddonProvider.Data;
using AddonProvider.Data.Entities;
using System.Text.Json.Serialization;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Credentials;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Admin;

/// <summary>
/// Operators' views of resources, credential rotation, suspend and resume. Config vars are listed by name only: values are
/// secrets. A suspended resource shows state <c>suspended</c> (it is provisioned underneath, see <see cref="ResourceSuspension"/>).
/// </summary>
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
        IReadOnlyList<CredentialView> Credentials,
        DateTime? SuspendedAt = null, string? SuspensionReason = null, string? SuspendedBy = null);

    /// <summary>A credential we issued, without its secret: `current`, `expiring` (in a rotation's overlap), `expired` or `revoked`.</summary>
    public sealed record CredentialView(long Id, string? Username, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? RevokedAt, string State);

    /// <summary>The body of a suspension (<c>reason</c> required, 1-500 characters after trimming) or a resume (optional).</summary>
    public sealed record SuspensionRequest(string? Reason);

    public static RouteGroupBuilder MapAdminResourceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/resources").RequireAuthorization(AdminAuth.OperatorPolicy).WithTags("Admin: resources");
        group.MapGet("/", Search);
        group.MapGet("/{id:guid}", Detail);
        group.MapPost("/{id:guid}/rotate-credentials", Rotate);
        group.MapPost("/{id:guid}/suspend", Suspend).Accepts<SuspensionRequest>("application/json");
        group.MapPost("/{id:guid}/resume", Resume).Accepts<SuspensionRequest>("application/json");
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

    /// <summary>
    /// 200 with the resource's detail, state <c>suspended</c>; idempotent (a repeat changes nothing, the first reason stays).
    /// 409 unless the resource is provisioned; 422 naming <c>reason</c> when it is missing, blank or over 500 characters.
    /// </summary>
    private static async Task<Results<Ok<ResourceDetail>, ProblemHttpResult>> Suspend(
        Guid id, HttpContext http, ResourceSuspension suspension, ResourceQueries queries, CancellationToken ct)
    {
        var body = await ReadSuspensionRequestAsync(http, required: true, ct);
        if (body.Failure is { } bad) return bad.ToResult();
        var outcome = await suspension.SuspendAsync(id, body.Value?.Reason, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : await Detail(id, queries, ct);
    }

    /// <summary>200 with the resource's detail; resuming a resource that is not suspended changes nothing. The reason is optional.</summary>
    private static async Task<Results<Ok<ResourceDetail>, ProblemHttpResult>> Resume(
        Guid id, HttpContext http, ResourceSuspension suspension, ResourceQueries queries, CancellationToken ct)
    {
        var body = await ReadSuspensionRequestAsync(http, required: false, ct);
        if (body.Failure is { } bad) return bad.ToResult();
        var outcome = await suspension.ResumeAsync(id, body.Value?.Reason, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : await Detail(id, queries, ct);
    }

    private static async Task<Outcome<SuspensionRequest?>> ReadSuspensionRequestAsync(HttpContext http, bool required, CancellationToken ct)
    {
        var hasBody = http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0;
        if (!hasBody)
            return required ? Failure.BadRequest("A JSON body with a reason is required: {\"reason\": \"...\"} (1-500 characters).") : new Outcome<SuspensionRequest?>(null, null);
        var body = await JsonBody.ReadAsync<SuspensionRequest>(http.Request, ct);
        return body.Failure is { } bad ? bad : body.Value;
    }

    private static async Task<Results<Ok<ResourceDetail>, ProblemHttpResult>> Detail(Guid id, ResourceQueries queries, CancellationToken ct)
    {
        var outcome = await queries.DetailAsync(id, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }
}
