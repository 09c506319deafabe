using System.Security.Claims;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Security;

/// <summary>Who the dashboard session says is asking: the one resource it is scoped to, and the Heroku user.</summary>
public sealed record CustomerSession(Guid ResourceId, string UserId, string? Email);

/// <summary>
/// The customer side of security: the dashboard banner (unacknowledged advisories), acknowledging one, and
/// reporting a concern. The dashboard and its SSO session cookie live on another branch, so these endpoints are
/// mapped onto the caller's session-authenticated group, with a function that reads the session.
/// </summary>
public static class CustomerSecurityEndpoints
{
    public static RouteGroupBuilder MapCustomerSecurityEndpoints(this RouteGroupBuilder sessionGroup, Func<ClaimsPrincipal, CustomerSession?> session)
    {
        var group = sessionGroup.MapGroup("/security").WithTags("Dashboard: security");
        group.MapGet("/advisories", async (HttpContext http, SecurityNotices notices, CancellationToken ct) =>
            session(http.User) is { } s
                ? (Results<Ok<IReadOnlyList<NoticeView>>, ProblemHttpResult>)TypedResults.Ok(await notices.UnacknowledgedAsync(s.ResourceId, ct))
                : NoSession());
        group.MapPost("/advisories/{advisoryId:guid}/acknowledge", async Task<Results<NoContent, ProblemHttpResult>> (Guid advisoryId, HttpContext http, SecurityNotices notices, CancellationToken ct) =>
        {
            if (session(http.User) is not { } s) return NoSession();
            return await notices.AcknowledgeAsync(s.ResourceId, advisoryId, $"heroku-user:{s.UserId}", ct)
                ? TypedResults.NoContent()
                : Problems.NotFound("This advisory does not concern this add-on.");
        });
        group.MapPost("/reports", async Task<Results<Created<ReportView>, ProblemHttpResult>> (HttpContext http, SecurityReportService reports, CancellationToken ct) =>
        {
            if (session(http.User) is not { } s) return NoSession();
            var (input, error) = await JsonBody.ReadAsync<ReportInput>(http.Request, ct);
            if (error is not null) return error;
            var outcome = await reports.SubmitAsync(s.ResourceId, s.Email, input!, ct);
            return outcome.Failure is { } f ? f.ToResult() : TypedResults.Created((string?)null, outcome.Value);
        }).Accepts<ReportInput>("application/json");
        return group;
    }

    private static ProblemHttpResult NoSession() => Problems.Of(StatusCodes.Status401Unauthorized, "Open the dashboard from Heroku first (no dashboard session).");
}
