using AddonProvider.Web.Admin;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Security;

/// <summary>Operators triage customers' security reports: the queue by deadline, read, set severity, status and notes, reply by email.</summary>
public static class SecurityReportEndpoints
{
    public static RouteGroupBuilder MapSecurityReportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/security-reports").RequireAuthorization(AdminAuth.SecurityPolicy).WithTags("Admin: security reports");
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapPatch("/{id:guid}", Triage).Accepts<TriageInput>("application/json");
        group.MapPost("/{id:guid}/replies", Reply).Accepts<ReplyInput>("application/json");
        return group;
    }

    private static async Task<Results<Ok<Paged<ReportView>>, ProblemHttpResult>> List(SecurityReportService service, CancellationToken ct,
        string? status = null, Guid? resourceId = null, bool? overdue = null, int? page = null, int? pageSize = null)
    {
        var outcome = await service.QueueAsync(status, resourceId, overdue, page, pageSize, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<ReportView>, ProblemHttpResult>> Get(Guid id, SecurityReportService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } r ? TypedResults.Ok(r) : Failure.NotFound($"No security report {id}.").ToResult();

    private static async Task<Results<Ok<ReportView>, ProblemHttpResult>> Triage(Guid id, HttpContext http, SecurityReportService service, CancellationToken ct)
    {
        var (input, error) = await JsonBody.ReadAsync<TriageInput>(http.Request, ct);
        if (error is not null) return error.ToResult();
        var outcome = await service.TriageAsync(id, input!, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Accepted<ReplyView>, ProblemHttpResult>> Reply(Guid id, HttpContext http, SecurityReportService service, CancellationToken ct)
    {
        var (input, error) = await JsonBody.ReadAsync<ReplyInput>(http.Request, ct);
        if (error is not null) return error.ToResult();
        var outcome = await service.ReplyAsync(id, input!, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Accepted($"/admin/security-reports/{id}", outcome.Value);
    }
}
