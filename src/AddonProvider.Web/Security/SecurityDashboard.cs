using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Security;

/// <summary>
/// The customer side of security, as dashboard pages: a banner on every page of an affected resource for each
/// unacknowledged advisory, the advisory's full text, acknowledging it (an HTML form), and reporting a concern.
/// Plain forms with antiforgery rather than JSON endpoints: the session is a cookie, so every write needs the token.
/// </summary>
public static class SecurityDashboard
{
    public static RouteGroupBuilder MapSecurityDashboard(this RouteGroupBuilder dashboard)
    {
        // Runs after the dashboard group's resource filter (filters run in the order they were added).
        dashboard.AddEndpointFilter(AdvisoryBannersAsync);
        var group = dashboard.MapGroup("/security").WithTags("Dashboard: security");
        group.MapGet("/advisories/{advisoryId:guid}", ShowAdvisory);
        group.MapPost("/advisories/{advisoryId:guid}/acknowledge", Acknowledge);
        group.MapGet("/report", async (HttpContext http, SecurityReportService reports, CancellationToken ct) =>
            ReportForm(http, null, [], StatusCodes.Status200OK, await reports.ForResourceAsync(http.Resource().Id, ct))).WithMetadata(DashboardAccess.AnySession);
        // A report to us changes nothing of the add-on: read-only sessions may send one too.
        group.MapPost("/report", SubmitReport).WithMetadata(DashboardAccess.AnySession);
        group.MapGet("/reports/{reportId:guid}", ReportReceived);
        return group;
    }

    private static async ValueTask<object?> AdvisoryBannersAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        var http = ctx.HttpContext;
        if (!Page.RendersPage(http)) return await next(ctx);
        var notices = http.RequestServices.GetRequiredService<SecurityNotices>();
        foreach (var n in await notices.UnacknowledgedAsync(http.Resource().Id, http.RequestAborted))
            Page.AddBanner(http, Banner(http, n));
        return await next(ctx);
    }

    private static Html Banner(HttpContext http, NoticeView n)
    {
        var id = http.Resource().Id;
        return H($"""
            <section class="advisory severity-{n.Severity}" role="alert" data-advisory="{n.Id}">
            <h2><span class="severity">{n.Severity}</span>Security advisory: {n.Title}</h2>
            <p>{n.Summary}</p>
            <p><a href="/dashboard/{id}/security/advisories/{n.Id}">Read the assessment and mitigation steps</a>
            {AcknowledgeForm(http, n.Id)}</p>
            </section>
            """);
    }

    private static Html AcknowledgeForm(HttpContext http, Guid advisoryId)
    {
        // A page rendered by a POST (a form with errors) has no GET at its path; those go back to the dashboard home.
        var back = HttpMethods.IsGet(http.Request.Method) ? http.Request.Path.Value : $"/dashboard/{http.Resource().Id}";
        return H($"""
            <form method="post" action="/dashboard/{http.Resource().Id}/security/advisories/{advisoryId}/acknowledge" class="inline">{Page.Antiforgery(http)}
            <input type="hidden" name="return" value="{back}"><button type="submit">Acknowledge</button></form>
            """);
    }

    private static async Task<ContentHttpResult> ShowAdvisory(Guid advisoryId, HttpContext http, SecurityNotices notices, CancellationToken ct)
    {
        if (await notices.FindAsync(http.Resource().Id, advisoryId, ct) is not { } found) return DashboardEndpoints.NotFound(http);
        var (n, acknowledgedAt) = found;
        return Page.Render(http, n.Title, H($"""
            <article id="advisory">
            <p><span class="severity">{n.Severity}</span> · published {n.PublishedAt:yyyy-MM-dd HH:mm} UTC
            {When(n.CveIds.Count > 0, () => H($" · {string.Join(", ", n.CveIds)}"))}</p>
            <h2>Summary</h2><p>{n.Summary}</p>
            <h2>Assessment</h2><p id="assessment">{n.Assessment}</p>
            <h2>Mitigation</h2><p id="mitigation">{n.Mitigation}</p>
            {When(n.Links.Count > 0, () => H($"<h2>References</h2><ul>{n.Links.Select(l => H($"<li><a href=\"{l}\" rel=\"noopener noreferrer\">{l}</a></li>"))}</ul>"))}
            <p>{(acknowledgedAt is { } at
                ? H($"<span class=\"saved\" role=\"status\" id=\"acknowledged\">Acknowledged on {at:yyyy-MM-dd HH:mm} UTC.</span>")
                : AcknowledgeForm(http, n.Id))}</p>
            </article>
            """));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Acknowledge(Guid advisoryId, IFormCollection form, HttpContext http, SecurityNotices notices, CancellationToken ct)
    {
        var id = http.Resource().Id;
        if (!await notices.AcknowledgeAsync(id, advisoryId, http.User.DashboardActor(), ct))
            return DashboardEndpoints.NotFound(http);
        // Back to the page the banner was on; only a path inside this resource's dashboard (no open redirect).
        var back = form["return"].ToString();
        var prefix = $"/dashboard/{id}";
        var local = back == prefix || (back.StartsWith(prefix + "/", StringComparison.Ordinal) && !back.Contains("//", StringComparison.Ordinal) && !back.Contains('\\'));
        return TypedResults.Redirect(local ? back : prefix);
    }

    private static ContentHttpResult ReportForm(HttpContext http, IFormCollection? posted, IReadOnlyList<string> errors, int status, IReadOnlyList<ReportView> earlier)
    {
        string P(string name, string fallback) => posted?[name].ToString() ?? fallback;
        var verifiedEmail = http.User.UserEmail();
        // Only an address Heroku vouched for is mailed: a typed one could be anyone's, and our reply quotes the report.
        var answers = verifiedEmail is not null
            ? H($"<p id=\"answer-channel\">We answer by email at your Heroku account's address or the app owner's; replies to any other address are not emailed and appear only on the report's page here.</p>")
            : H($"<p id=\"answer-channel\">Heroku did not confirm who you are for this session, so we will not email you: our answers appear on the report's page here (listed below).</p>");
        return Page.Render(http, "Report a security concern", H($"""
            {Page.Errors(errors)}
            <p>Tell us about a vulnerability or a suspected incident affecting this add-on. Our security team reads every report and answers it.</p>
            {answers}
            <form method="post" action="/dashboard/{http.Resource().Id}/security/report" id="report-form">{Page.Antiforgery(http)}
            <label>What did you find?<textarea name="text" id="report-text" rows="8" maxlength="{SecurityReportService.MaxText}">{P("text", "")}</textarea></label>
            <label>Your email<input name="reporter_email" id="reporter-email" type="email" maxlength="320" value="{P("reporter_email", verifiedEmail ?? "")}"></label>
            <label>Your name (optional)<input name="reporter_name" id="reporter-name" maxlength="200" value="{P("reporter_name", "")}"></label>
            <p><button type="submit">Send report</button></p>
            </form>
            {When(earlier.Count > 0, () => H($"""
                <h2>Reports from this add-on</h2>
                <ul id="reports">{earlier.Select(r => H($"<li><a href=\"/dashboard/{http.Resource().Id}/security/reports/{r.Id}\">{r.CreatedAt:yyyy-MM-dd HH:mm} UTC · <code>{r.Id.ToString()[..8]}</code></a> · {r.Status}</li>"))}</ul>
                """))}
            """), status);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> SubmitReport(IFormCollection form, HttpContext http, SecurityReportService reports, CancellationToken ct)
    {
        var id = http.Resource().Id;
        var input = new ReportInput(form["text"].ToString(), form["reporter_email"].ToString() is { Length: > 0 } e ? e : null, form["reporter_name"].ToString());
        var outcome = await reports.SubmitAsync(id, new Reporter(http.User.UserEmail(), http.User.DashboardActor()), input, ct);
        if (outcome.Failure is { } f) return ReportForm(http, form, [FormWording(f.Message)], f.Status, await reports.ForResourceAsync(id, ct));
        return TypedResults.Redirect($"/dashboard/{id}/security/reports/{outcome.Value!.Id}");
    }

    /// <summary>The service speaks the JSON field names; the form's labels are what the customer sees.</summary>
    private static string FormWording(string message) => message.Replace("reporterEmail", "Your email", StringComparison.Ordinal)
        .Replace("text is required", "A description is required", StringComparison.Ordinal).Replace("text must", "The description must", StringComparison.Ordinal);

    private static async Task<ContentHttpResult> ReportReceived(Guid reportId, HttpContext http, SecurityReportService reports, CancellationToken ct)
    {
        // A report is shown only to sessions of the resource it was filed from.
        if (await reports.GetAsync(reportId, ct) is not { } r || r.ResourceId != http.Resource().Id)
            return DashboardEndpoints.NotFound(http);
        var channel = r.ReporterEmailVerified
            ? H($"and will answer by email at {r.ReporterEmail} and on this page")
            : H($"and will answer on this page: {r.ReporterEmail} is not an address we could verify, so we do not email it");
        var replies = r.Replies ?? [];
        return Page.Render(http, "Report received", H($"""
            <p class="saved" role="status" id="report-received">Thank you. We received your report on {r.CreatedAt:yyyy-MM-dd HH:mm} UTC (reference <code>{r.Id.ToString()[..8]}</code>) {channel}.</p>
            <h2>Your report</h2><pre><code>{r.Text}</code></pre>
            <h2>Our answers</h2>
            {(replies.Count == 0
                ? H($"<p id=\"no-replies\">No answer yet. Status: {r.Status}.</p>")
                : H($"<ol id=\"replies\">{replies.Select(x => H($"<li><p>{x.CreatedAt:yyyy-MM-dd HH:mm} UTC</p><pre><code>{x.Body}</code></pre></li>"))}</ol>"))}
            """));
    }
}
