using System.Text.Json;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Console;
using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>MobiLoud's own console section (/console/mobiloud): publishing requests, their status and "reopen for editing".</summary>
public static class SubmissionConsole
{
    public static readonly ProductConsole Section = new("Publishing requests", Map);

    /// <summary>The group is already under /console/mobiloud with the console's operator policy.</summary>
    private static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapGet("/{id:long}", Detail);
        group.MapPost("/{id:long}/status", SetStatus);
        group.MapPost("/{id:long}/reopen", Reopen);
    }

    private static async Task<ContentHttpResult> List(HttpContext http, SubmissionReviewService service, CancellationToken ct, string? status = null, int? page = null)
    {
        var outcome = await service.ListAsync(status, page, null, ct);
        var filter = H($"""
            <form method="get" action="/console/mobiloud" class="search" id="filter">
            <label>Status <select name="status"><option value="">any</option>{SubmissionReviewService.Reviews.Select(r => H($"<option{(r == status ? H($" selected") : Empty)}>{r}</option>"))}</select></label>
            <button type="submit">Filter</button></form>
            """);
        if (outcome.Failure is { } bad) return ConsolePage.Render(http, "Publishing requests", H($"{filter}<div class=\"errors\" role=\"alert\"><p>{bad.Message}</p></div>"), bad.Status);
        var rows = outcome.Value!;
        return ConsolePage.Render(http, "Publishing requests", H($"""
            {filter}
            {ConsolePage.Table(["Request", "App", "Resource", "Status", "Submitted (UTC)"], rows.Items.Select(s => H($"""
                <tr><td><a href="/console/mobiloud/{s.Id}">#{s.Id}</a></td><td>{s.AppName ?? "—"}</td><td><a href="/console/resources/{s.ResourceId}">{s.ResourceName ?? s.ResourceId.ToString()}</a></td>
                <td><span class="state review-{s.Review}">{s.Review.Replace('_', ' ')}</span></td><td>{s.SubmittedAt:yyyy-MM-dd HH:mm}</td></tr>
                """)), "submission-list")}
            {ResourcePages.Pager(http, rows.Page, rows.PageSize, rows.Total)}
            """));
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static async Task<ContentHttpResult> Detail(long id, HttpContext http, SubmissionReviewService service, CancellationToken ct)
    {
        var outcome = await service.DetailAsync(id, ct);
        if (outcome.Failure is { } f) return ConsolePage.Message(http, f.Status, "Not found", f.Message);
        var s = outcome.Value!;
        var submitted = s.Status == "submitted";
        var next = s.Review switch { "new" => "in_progress", "in_progress" => "done", _ => null };
        return ConsolePage.Render(http, $"Publishing request #{s.Id}", H($"""
            <dl class="facts">
            <dt>Resource</dt><dd><a href="/console/resources/{s.ResourceId}">{s.ResourceName ?? s.ResourceId.ToString()}</a> (owner {s.OwnerEmail ?? "unknown"})</dd>
            <dt>State</dt><dd id="submission-state">{(submitted ? "submitted" : "reopened: the customer is editing the form")}</dd>
            <dt>Status</dt><dd><span class="state" id="review">{(submitted ? s.Review.Replace('_', ' ') : "—")}</span>{When(s.ReviewedBy is not null, () => H($" <span class=\"hint\">by {s.ReviewedBy} at {s.ReviewUpdatedAt:yyyy-MM-dd HH:mm} UTC</span>"))}</dd>
            <dt>Submitted</dt><dd>{s.SubmittedAt?.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "—"}</dd>
            <dt>Plan then</dt><dd>{s.Plan ?? "—"}</dd><dt>Website then</dt><dd>{s.WebsiteUrl ?? "—"}</dd>
            </dl>
            <p>
            {When(submitted && next is not null, () => ConsolePage.Form(http, $"/console/mobiloud/{s.Id}/status", H($"<input type=\"hidden\" name=\"status\" value=\"{next}\">"),
                next == "in_progress" ? "Start: mark in progress" : "Mark done", "advance-form"))}
            {When(submitted, () => ConsolePage.Form(http, $"/console/mobiloud/{s.Id}/reopen", Empty, "Reopen for editing", "reopen-form"))}
            </p>
            <section id="form"><h2>The form</h2>
            {ConsolePage.Table(["Field", "Value"], PublishForm.Sections.SelectMany(sec => sec.Fields).Select(field =>
                H($"<tr><th scope=\"row\">{field.Label}</th><td>{s.Form.GetValueOrDefault(field.Name, "")}</td></tr>")), "form-values")}
            </section>
            <section id="config"><h2>The app configuration, frozen at submission</h2>
            <pre>{(s.Config is { } c ? JsonSerializer.Serialize(c, Indented) : "—")}</pre>
            </section>
            """));
    }

    private static async Task<IResult> SetStatus(long id, HttpContext http, IFormCollection form, SubmissionReviewService service, CancellationToken ct)
    {
        var outcome = await service.SetReviewAsync(id, form["status"], http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? ConsolePage.Message(http, f.Status, "Not changed", f.Message) : TypedResults.Redirect($"/console/mobiloud/{id}");
    }

    private static async Task<IResult> Reopen(long id, HttpContext http, IFormCollection form, SubmissionReviewService service, CancellationToken ct)
    {
        var outcome = await service.ReopenAsync(id, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? ConsolePage.Message(http, f.Status, "Not reopened", f.Message) : TypedResults.Redirect($"/console/mobiloud/{id}");
    }
}
