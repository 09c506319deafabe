using AddonProvider.Web.Admin;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.MobiLoud;

/// <summary>Publishing requests in the admin JSON API, for the `operator` role (the console's submission pages call the same service).</summary>
public static class SubmissionAdminEndpoints
{
    public static RouteGroupBuilder MapMobiLoudAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/mobiloud/submissions").RequireAuthorization(AdminAuth.OperatorPolicy).WithTags("Admin: MobiLoud publishing requests");
        group.MapGet("/", List);
        group.MapGet("/{id:long}", Detail);
        group.MapPost("/{id:long}/status", SetStatus).Accepts<ReviewRequest>("application/json");
        group.MapPost("/{id:long}/reopen", Reopen);
        return group;
    }

    private static async Task<Results<Ok<Paged<SubmissionSummary>>, ProblemHttpResult>> List(SubmissionReviewService service, CancellationToken ct,
        string? status = null, int? page = null, int? pageSize = null)
    {
        var outcome = await service.ListAsync(status, page, pageSize, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<SubmissionDetail>, ProblemHttpResult>> Detail(long id, SubmissionReviewService service, CancellationToken ct)
    {
        var outcome = await service.DetailAsync(id, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<SubmissionDetail>, ProblemHttpResult>> SetStatus(long id, HttpContext http, SubmissionReviewService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ReviewRequest>(http.Request, ct);
        if (body.Failure is { } bad) return bad.ToResult();
        var outcome = await service.SetReviewAsync(id, body.Value!.Status, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<SubmissionDetail>, ProblemHttpResult>> Reopen(long id, HttpContext http, SubmissionReviewService service, CancellationToken ct)
    {
        var outcome = await service.ReopenAsync(id, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }
}
