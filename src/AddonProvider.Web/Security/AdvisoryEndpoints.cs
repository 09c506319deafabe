using AddonProvider.Data;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

/// <summary>contract.md's advisory API, for the `security` role.</summary>
public static class AdvisoryEndpoints
{
    public static RouteGroupBuilder MapAdvisoryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/advisories").RequireAuthorization(AdminAuth.SecurityPolicy).WithTags("Admin: security advisories");
        group.MapGet("/", List);
        group.MapPost("/", Create).Accepts<AdvisoryInput>("application/json");
        group.MapGet("/{id:guid}", Get);
        group.MapPut("/{id:guid}", Update).Accepts<AdvisoryInput>("application/json");
        group.MapGet("/{id:guid}/preview", Preview);
        group.MapPost("/{id:guid}/publish", Publish);
        group.MapPost("/{id:guid}/follow-ups", FollowUp).Accepts<AdvisoryInput>("application/json");
        group.MapGet("/{id:guid}/progress", Progress);
        group.MapGet("/{id:guid}/reach", Reach);
        group.MapGet("/{id:guid}/failed-recipients", FailedRecipients);
        group.MapPost("/{id:guid}/resend", Resend).Accepts<ResendRequest>("application/json");
        return group;
    }

    private static async Task<Results<Ok<Paged<AdvisoryView>>, ProblemHttpResult>> List(AddonDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad.ToResult();
        var rows = await db.Advisories.AsNoTracking().OrderByDescending(a => a.CreatedAt).ToPageAsync(page, pageSize, ct);
        return TypedResults.Ok(new Paged<AdvisoryView>(rows.Items.Select(AdvisoryView.Of).ToList(), rows.Page, rows.PageSize, rows.Total));
    }

    private static Task<Results<Created<AdvisoryView>, ProblemHttpResult>> Create(HttpContext http, AdvisoryService service, CancellationToken ct) =>
        CreateAsync(http, service, null, ct);

    private static Task<Results<Created<AdvisoryView>, ProblemHttpResult>> FollowUp(Guid id, HttpContext http, AdvisoryService service, CancellationToken ct) =>
        CreateAsync(http, service, id, ct);

    private static async Task<Results<Created<AdvisoryView>, ProblemHttpResult>> CreateAsync(HttpContext http, AdvisoryService service, Guid? parent, CancellationToken ct)
    {
        var (input, error) = await JsonBody.ReadAsync<AdvisoryInput>(http.Request, ct);
        if (error is not null) return error.ToResult();
        var outcome = await service.CreateAsync(input!, parent, http.User.Actor(), http.TraceIdentifier, ct);
        if (outcome.Failure is { } f) return f.ToResult();
        return TypedResults.Created($"/admin/advisories/{outcome.Value!.Id}", AdvisoryView.Of(outcome.Value));
    }

    private static async Task<Results<Ok<AdvisoryView>, ProblemHttpResult>> Get(Guid id, AdvisoryService service, CancellationToken ct) =>
        await service.FindAsync(id, ct) is { } a ? TypedResults.Ok(AdvisoryView.Of(a)) : Failure.NotFound($"No advisory {id}.").ToResult();

    private static async Task<Results<Ok<AdvisoryView>, ProblemHttpResult>> Update(Guid id, HttpContext http, AdvisoryService service, CancellationToken ct)
    {
        var (input, error) = await JsonBody.ReadAsync<AdvisoryInput>(http.Request, ct);
        if (error is not null) return error.ToResult();
        var outcome = await service.UpdateAsync(id, input!, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(AdvisoryView.Of(outcome.Value!));
    }

    private static async Task<Results<Ok<EmailPreview>, ProblemHttpResult>> Preview(Guid id, AdvisoryService service, CancellationToken ct, Guid? resourceId = null)
    {
        var outcome = await service.PreviewAsync(id, resourceId, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Accepted<AdvisoryView>, ProblemHttpResult>> Publish(Guid id, HttpContext http, AdvisoryService service, CancellationToken ct)
    {
        var outcome = await service.PublishAsync(id, http.User.Actor(), http.TraceIdentifier, ct);
        if (outcome.Failure is { } f) return f.ToResult();
        // 202 both times: the fan-out runs in the background; a repeat publish starts nothing new.
        return TypedResults.Accepted($"/admin/advisories/{id}/progress", AdvisoryView.Of(outcome.Value.Advisory));
    }

    private static async Task<Results<Ok<AdvisoryProgress>, ProblemHttpResult>> Progress(Guid id, AdvisoryService service, CancellationToken ct)
    {
        var outcome = await service.ProgressAsync(id, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<AdvisoryReach>, ProblemHttpResult>> Reach(Guid id, AdvisoryService service, CancellationToken ct)
    {
        var outcome = await service.ReachAsync(id, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<List<FailedRecipient>>, ProblemHttpResult>> FailedRecipients(Guid id, AdvisoryService service, CancellationToken ct) =>
        await service.FindAsync(id, ct) is null ? Failure.NotFound($"No advisory {id}.").ToResult() : TypedResults.Ok(await service.FailedRecipientsAsync(id, ct));

    /// <summary>202: the failed notifications are pending again and their batches are queued; the progress call shows them go out.</summary>
    private static async Task<Results<Accepted<ResendResult>, ProblemHttpResult>> Resend(Guid id, HttpContext http, AdvisoryService service, CancellationToken ct)
    {
        List<long>? ids = null;
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await JsonBody.ReadAsync<ResendRequest>(http.Request, ct);
            if (body.Failure is { } bad) return bad.ToResult();
            ids = body.Value!.NotificationIds;
        }
        var outcome = await service.ResendFailedAsync(id, ids, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Accepted($"/admin/advisories/{id}/progress", new ResendResult(outcome.Value));
    }
}
