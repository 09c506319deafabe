using AddonProvider.Web.Admin;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>
/// Security reports in the operators' console (role <c>security</c>, as the API): the triage queue by deadline with the
/// overdue ones marked, and a report's page with its replies, the severity/status/notes form and the reply form. The
/// pages call <see cref="SecurityReportService"/>, which audits every change under the operator's subject; every form
/// carries its antiforgery token (a form without it changes nothing).
/// </summary>
public static class SecurityReportPages
{
    private static readonly string[] Severities = ["critical", "high", "medium", "low"];
    private static readonly string[] Statuses = ["new", "triaged", "resolved", "rejected"];

    public static RouteGroupBuilder MapSecurityReportPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/console/security-reports").RequireAuthorization(ConsoleAuth.SecurityPolicy).ExcludeFromDescription();
        group.MapGet("/", Queue);
        group.MapGet("/{id:guid}", Detail);
        group.MapPost("/{id:guid}/triage", Triage);
        group.MapPost("/{id:guid}/replies", Reply);
        return group;
    }

    private static async Task<ContentHttpResult> Queue(HttpContext http, SecurityReportService reports, CancellationToken ct,
        string? status = null, bool? overdue = null, int? page = null, int? pageSize = null)
    {
        var filters = H($"""
            <form method="get" action="/console/security-reports" class="search" id="filter">
            <label>Status <select name="status"><option value="">any</option>{Statuses.Select(s => Option(s, s, status))}</select></label>
            <label><input type="checkbox" name="overdue" value="true"{(overdue == true ? H($" checked") : Empty)}> Overdue only</label>
            <button type="submit">Filter</button>
            </form>
            """);
        var outcome = await reports.QueueAsync(status is { Length: > 0 } ? status : null, null, overdue == true ? true : null, page, pageSize, ct);
        if (outcome.Failure is { } bad)
            return ConsolePage.Render(http, "Security reports", H($"{filters}<div class=\"errors\" role=\"alert\"><p>{bad.Message}</p></div>"), bad.Status);
        var result = outcome.Value!;
        var rows = result.Items.Select(r => H($"""
            <tr class="{(r.Overdue ? "overdue" : "")}" data-report="{r.Id}"><td><a href="/console/security-reports/{r.Id}">{r.Reference}</a></td>
            <td>{r.CreatedAt:yyyy-MM-dd HH:mm}</td><td>{SeverityText(r)}</td><td>{r.Status}</td>
            <td>{Deadline(r.AcknowledgeBy, r.AcknowledgedAt is not null, r.OverdueDeadlines.Contains(ReportClock.Acknowledge))}</td>
            <td>{Deadline(r.ResolveBy, r.Status is "resolved" or "rejected", r.OverdueDeadlines.Contains(ReportClock.Resolve))}</td>
            <td>{(r.Overdue ? H($"<strong class=\"overdue-mark\">overdue: {string.Join(", ", r.OverdueDeadlines)}</strong>") : H($"on time"))}</td></tr>
            """));
        return ConsolePage.Render(http, "Security reports", H($"""
            {filters}
            <p id="total">{result.Total} report{(result.Total == 1 ? "" : "s")}, the nearest unmet deadline first.</p>
            {ConsolePage.Table(["Reference", "Filed (UTC)", "Severity", "Status", "Acknowledge by (UTC)", "Fix or mitigate by (UTC)", "Clock"], rows, "reports")}
            {ResourcePages.Pager(http, result.Page, result.PageSize, result.Total)}
            """));
    }

    private static Html Deadline(DateTime at, bool met, bool overdue) =>
        H($"<span class=\"{(met ? "met" : overdue ? "overdue" : "due")}\">{at:yyyy-MM-dd HH:mm}{(met ? " (met)" : overdue ? " (overdue)" : "")}</span>");

    private static string SeverityText(ReportView r) =>
        r.Severity ?? $"untriaged (counts as {r.EffectiveSeverity})" + (r.SuggestedSeverity is { } s ? $"; reporter suggests {s}" : "");

    private static Html Option(string value, string label, string? chosen) =>
        value == chosen ? H($"<option value=\"{value}\" selected>{label}</option>") : H($"<option value=\"{value}\">{label}</option>");

    private static async Task<ContentHttpResult> Detail(Guid id, HttpContext http, SecurityReportService reports, CancellationToken ct, string? done = null) =>
        await reports.GetAsync(id, ct) is { } r
            ? Render(http, r, done, errors: [], StatusCodes.Status200OK)
            : ConsolePage.Message(http, StatusCodes.Status404NotFound, "Not found", $"No security report {id}.");

    private static ContentHttpResult Render(HttpContext http, ReportView r, string? done, IReadOnlyList<string> errors, int status, IFormCollection? posted = null)
    {
        string P(string name, string fallback) => posted?[name].ToString() ?? fallback;
        var replies = r.Replies ?? [];
        var notice = done switch
        {
            "triaged" => H($"<p class=\"saved\" role=\"status\" id=\"saved\">Saved.</p>"),
            "replied" => H($"<p class=\"saved\" role=\"status\" id=\"saved\">Reply recorded{(r.ReporterEmailVerified ? " and queued for email" : "; it is shown on the report's page only (unverified address)")}.</p>"),
            _ => Empty,
        };
        return ConsolePage.Render(http, $"Security report {r.Reference}", H($"""
            {notice}{Page.Errors(errors)}
            <dl class="facts" id="facts">
            <dt>Filed</dt><dd>{r.CreatedAt:yyyy-MM-dd HH:mm} UTC{When(r.ResourceId is not null, () => H($" from <a href=\"/console/resources/{r.ResourceId}\"><code>{r.ResourceId}</code></a>"))}</dd>
            <dt>Reporter</dt><dd>{r.ReporterName ?? ""} {r.ReporterEmail} <span class="{(r.ReporterEmailVerified ? "verified" : "unverified")}">{(r.ReporterEmailVerified ? "verified: replies are emailed" : "not verified: replies appear on the report's page only")}</span></dd>
            <dt>Severity</dt><dd id="severity">{SeverityText(r)}</dd>
            <dt>Status</dt><dd id="status">{r.Status}</dd>
            <dt>Acknowledge by</dt><dd id="acknowledge-by">{Deadline(r.AcknowledgeBy, r.AcknowledgedAt is not null, r.OverdueDeadlines.Contains(ReportClock.Acknowledge))} UTC{When(r.AcknowledgedAt is not null, () => H($", first reply {r.AcknowledgedAt:yyyy-MM-dd HH:mm} UTC"))}</dd>
            <dt>Fix or mitigate by</dt><dd id="resolve-by">{Deadline(r.ResolveBy, r.Status is "resolved" or "rejected", r.OverdueDeadlines.Contains(ReportClock.Resolve))} UTC</dd>
            <dt>Clock</dt><dd id="clock">{(r.Overdue ? H($"<strong class=\"overdue-mark\">overdue: {string.Join(", ", r.OverdueDeadlines)}</strong>") : H($"on time"))}</dd>
            </dl>
            <h2>The report</h2><pre><code id="report-text">{r.Text}</code></pre>
            <h2>Triage</h2>
            {ConsolePage.Form(http, $"/console/security-reports/{r.Id}/triage", H($"""
                <label>Severity <select name="severity" id="triage-severity"><option value="">{(r.Severity is null ? "untriaged (counts as critical)" : "keep " + r.Severity)}</option>{Severities.Select(s => Option(s, s, P("severity", "")))}</select></label>
                <label>Status <select name="status" id="triage-status">{Statuses.Select(s => Option(s, s, P("status", r.Status)))}</select></label>
                <label>Notes (for operators)<textarea name="notes" id="triage-notes" rows="4" maxlength="{SecurityReportService.MaxText}">{P("notes", r.Notes ?? "")}</textarea></label>
                """), "Save triage", "triage-form", "stacked")}
            <h2>Replies</h2>
            {(replies.Count == 0 ? H($"<p id=\"no-replies\">No operator reply yet (the automatic acknowledgement does not count).</p>")
                : H($"<ol id=\"replies\">{replies.Select(x => H($"<li><p>{x.CreatedAt:yyyy-MM-dd HH:mm} UTC · {x.Author} · <span class=\"reply-{x.Status}\">{x.Status}</span></p><pre><code>{x.Body}</code></pre></li>"))}</ol>"))}
            {ConsolePage.Form(http, $"/console/security-reports/{r.Id}/replies", H($"""
                <label>Reply to the reporter<textarea name="body" id="reply-body" rows="6" maxlength="{SecurityReportService.MaxText}">{P("body", "")}</textarea></label>
                """), "Send reply", "reply-form", "stacked")}
            """), status);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Triage(Guid id, HttpContext http, IFormCollection form, SecurityReportService reports, CancellationToken ct)
    {
        static string? Given(IFormCollection f, string name) => f[name].ToString() is { Length: > 0 } v ? v : null;
        var input = new TriageInput(Given(form, "status"), form.ContainsKey("notes") ? form["notes"].ToString() : null, Given(form, "severity"));
        var outcome = await reports.TriageAsync(id, input, http.User.Actor(), http.TraceIdentifier, ct);
        return await AfterAsync(id, http, form, reports, outcome.Failure, "triaged", ct);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Reply(Guid id, HttpContext http, IFormCollection form, SecurityReportService reports, CancellationToken ct)
    {
        var outcome = await reports.ReplyAsync(id, new ReplyInput(form["body"].ToString()), http.User.Actor(), http.TraceIdentifier, ct);
        return await AfterAsync(id, http, form, reports, outcome.Failure, "replied", ct);
    }

    /// <summary>Success goes back to the report with a notice; a refusal shows the form with the reason and what was typed.</summary>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> AfterAsync(Guid id, HttpContext http, IFormCollection form, SecurityReportService reports,
        Errors.Failure? failure, string done, CancellationToken ct)
    {
        if (failure is null) return TypedResults.Redirect($"/console/security-reports/{id}?done={done}");
        if (await reports.GetAsync(id, ct) is not { } r) return ConsolePage.Message(http, failure.Status, "Not found", failure.Message);
        return Render(http, r, null, [failure.Message], failure.Status, form);
    }
}
