using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// The triage queue: ordered by the nearest unmet deadline (an unanswered report's acknowledge deadline, else an open
    /// report's fix-or-mitigate deadline — the acknowledge deadline always comes first), so overdue reports lead; reports
    /// with every deadline met follow, newest first. <c>overdue=true</c> keeps only reports with a passed, unmet deadline.
    /// </summary>
    private static async Task<Results<Ok<Paged<ReportView>>, ProblemHttpResult>> List(AddonDbContext db, ReportClock deadlines, TimeProvider clock, CancellationToken ct,
        string? status = null, Guid? resourceId = null, bool? overdue = null, int? page = null, int? pageSize = null)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad.ToResult();
        var q = db.SecurityReports.AsNoTracking();
        if (status is not null)
        {
            if (!Enum.GetNames<SecurityReportStatus>().Any(n => n.Equals(status, StringComparison.OrdinalIgnoreCase)))
                return Failure.BadRequest("status must be one of new, triaged, resolved, rejected.").ToResult();
            var s = Enum.Parse<SecurityReportStatus>(status, ignoreCase: true);
            q = q.Where(r => r.Status == s);
        }
        if (resourceId is { } rid) q = q.Where(r => r.ResourceId == rid);
        var now = clock.GetUtcNow().UtcDateTime;
        if (overdue is { } o)
            q = q.Where(r => ((r.AcknowledgedAt == null && r.AcknowledgeBy < now)
                || (r.Status != SecurityReportStatus.Resolved && r.Status != SecurityReportStatus.Rejected && r.ResolveBy < now)) == o);
        var rows = await q
            .OrderBy(r => r.AcknowledgedAt == null ? r.AcknowledgeBy
                : r.Status != SecurityReportStatus.Resolved && r.Status != SecurityReportStatus.Rejected ? r.ResolveBy : null)
            .ThenByDescending(r => r.CreatedAt)
            .ToPageAsync(page, pageSize, ct);
        return TypedResults.Ok(new Paged<ReportView>(rows.Items.Select(r => SecurityReportService.View(r, deadlines.Evaluate(r))).ToList(), rows.Page, rows.PageSize, rows.Total));
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
