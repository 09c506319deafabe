using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

/// <summary>Operators triage customers' security reports: list, read, set status and notes, reply by email.</summary>
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

    private static async Task<Results<Ok<Paged<ReportView>>, ProblemHttpResult>> List(AddonDbContext db, CancellationToken ct,
        string? status = null, Guid? resourceId = null, int? page = null, int? pageSize = null)
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
        var rows = await q.OrderByDescending(r => r.CreatedAt).ToPageAsync(page, pageSize, ct);
        return TypedResults.Ok(new Paged<ReportView>(rows.Items.Select(SecurityReportService.View).ToList(), rows.Page, rows.PageSize, rows.Total));
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
