using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>
/// Advisories: compose with a live preview (the email's own composer), the reach before publishing, publish behind a
/// confirmation, a progress page that refreshes itself, failed recipients with a resend, follow-ups. All through
/// AdvisoryService, as /admin/advisories; the `security` role, as there.
/// </summary>
public static class AdvisoryPages
{
    public static void MapAdvisoryPages(this RouteGroupBuilder console)
    {
        var pages = console.MapGroup("/advisories").RequireAuthorization(ConsoleAuth.SecurityPolicy);
        pages.MapGet("/", List);
        pages.MapGet("/new", New);
        pages.MapPost("/", Create);
        pages.MapGet("/{id:guid}", Show);
        pages.MapPost("/{id:guid}", Update);
        pages.MapGet("/{id:guid}/publish", ConfirmPublish);
        pages.MapPost("/{id:guid}/publish", Publish);
        pages.MapGet("/{id:guid}/progress", Progress);
        pages.MapPost("/{id:guid}/resend", Resend);
        // JSON for the pages' scripts (answers problem+json, not pages).
        var api = console.MapGroup("/api/advisories").RequireAuthorization(ConsoleAuth.SecurityPolicy);
        api.MapPost("/preview", PreviewDraft);
        api.MapGet("/{id:guid}/progress", ProgressJson);
    }

    private static IEnumerable<(string Id, string Name)> ProductChoices(Products products) => products.All.Select(p => (p.Id, p.Name));

    private static async Task<ContentHttpResult> List(HttpContext http, AddonDbContext db, CancellationToken ct, int? page = null)
    {
        if (Paging.Check(page, null) is { } bad) return ConsolePage.Message(http, bad.Status, "Advisories", bad.Message);
        var rows = await db.Advisories.AsNoTracking().OrderByDescending(a => a.CreatedAt).ToPageAsync(page, 50, ct);
        return ConsolePage.Render(http, "Advisories", H($"""
            <p><a class="button" href="/console/advisories/new" id="compose">Compose an advisory</a></p>
            {ConsolePage.Table(["Title", "Severity", "Status", "Created", "Published"], rows.Items.Select(a => H($"""
                <tr><td><a href="/console/advisories/{a.Id}">{a.Title}</a>{When(a.FollowUpOf is not null, () => H($" <span class=\"hint\">(follow-up)</span>"))}</td>
                <td>{a.Severity.ToString().ToLowerInvariant()}</td><td>{a.Status.ToString().ToLowerInvariant()}</td><td>{a.CreatedAt:yyyy-MM-dd HH:mm}</td>
                <td>{a.PublishedAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "—"}</td></tr>
                """)), "advisory-list")}
            {ResourcePages.Pager(http, rows.Page, rows.PageSize, rows.Total)}
            """));
    }

    private static async Task<ContentHttpResult> New(HttpContext http, Products products, AdvisoryService service, CancellationToken ct, Guid? followUpOf = null)
    {
        var parent = followUpOf is { } p ? await service.FindAsync(p, ct) : null;
        if (followUpOf is not null && parent is null) return ConsolePage.Message(http, 404, "Not found", $"No advisory {followUpOf}.");
        return ComposePage(http, products, parent, null, null, null, 200);
    }

    private static ContentHttpResult ComposePage(HttpContext http, Products products, Advisory? parent, AdvisoryInput? typed, EmailPreview? preview, string? error, int status,
        AdvisoryReach? reach = null, Guid? draftId = null, Html? before = null) =>
        ConsolePage.Render(http, draftId is null ? parent is null ? "Compose an advisory" : $"Follow-up to “{parent.Title}”" : "Edit the draft", H($"""
            {before ?? Empty}
            {When(error is not null && preview is null, () => H($"<div class=\"errors\" role=\"alert\" id=\"form-error\"><p>Nothing was saved: {error}</p></div>"))}
            <div class="compose">
            <form method="post" action="{(draftId is null ? "/console/advisories" : $"/console/advisories/{draftId}")}" id="advisory-form" data-preview="/console/api/advisories/preview">
            {ConsolePage.Antiforgery(http)}
            {When(parent is not null, () => H($"<input type=\"hidden\" name=\"followUpOf\" value=\"{parent!.Id}\"><p class=\"hint\">Leave \"who is affected\" empty to reach the same audience as the advisory it follows.</p>"))}
            {AdvisoryForm.Fields(ProductChoices(products), typed)}
            <button type="submit" id="save-draft">Save draft</button>
            </form>
            {AdvisoryForm.Preview(preview, reach, preview is null ? null : error)}
            </div>
            """), status, ["console-advisory.js"]);

    private static async Task<IResult> Create(HttpContext http, IFormCollection form, AdvisoryService service, Products products, CancellationToken ct)
    {
        var input = AdvisoryForm.Read(form);
        Guid? parentId = Guid.TryParse(form["followUpOf"], out var p) ? p : null;
        var outcome = await service.CreateAsync(input, parentId, http.User.Actor(), http.TraceIdentifier, ct);
        if (outcome.Failure is { } f)
            return ComposePage(http, products, parentId is { } id ? await service.FindAsync(id, ct) : null, input, null, f.Message, f.Status);
        return TypedResults.Redirect($"/console/advisories/{outcome.Value!.Id}");
    }

    private static async Task<IResult> Update(Guid id, HttpContext http, IFormCollection form, AdvisoryService service, Products products, CancellationToken ct)
    {
        var input = AdvisoryForm.Read(form);
        var outcome = await service.UpdateAsync(id, input, http.User.Actor(), http.TraceIdentifier, ct);
        if (outcome.Failure is { } f) return ComposePage(http, products, null, input, null, f.Message, f.Status, draftId: id);
        return TypedResults.Redirect($"/console/advisories/{id}?saved=1");
    }

    private static async Task<ContentHttpResult> Show(Guid id, HttpContext http, AdvisoryService service, Products products, CancellationToken ct, int? saved = null)
    {
        var a = await service.FindAsync(id, ct);
        if (a is null) return ConsolePage.Message(http, 404, "Not found", $"No advisory {id}.");
        var preview = await service.PreviewAsync(id, null, ct);
        var reach = await service.ReachAsync(a, ct);
        if (a.Status == AdvisoryStatus.Draft)
        {
            var publish = H($"""
                {When(saved == 1, () => H($"<p class=\"saved\" role=\"status\">Draft saved.</p>"))}
                <p><a class="button" href="/console/advisories/{a.Id}/publish" id="publish-link">Publish…</a></p>
                """);
            return ComposePage(http, products, a.FollowUpOf is { } p ? await service.FindAsync(p, ct) : null, AdvisoryForm.Input(a), preview.Value, null, 200,
                reach, a.Id, publish);
        }
        return ConsolePage.Render(http, a.Title, H($"""
            <p class="saved" role="status">Published {a.PublishedAt:yyyy-MM-dd HH:mm} UTC by {a.PublishedBy}. The text is frozen; send later news as a follow-up.</p>
            <p><a class="button" href="/console/advisories/{a.Id}/progress" id="progress-link">Delivery progress</a>
            <a class="button" href="/console/advisories/new?followUpOf={a.Id}" id="follow-up-link">Write a follow-up</a></p>
            {AdvisoryForm.Preview(preview.Value, null, null)}
            """));
    }

    private static async Task<ContentHttpResult> ConfirmPublish(Guid id, HttpContext http, AdvisoryService service, CancellationToken ct)
    {
        var a = await service.FindAsync(id, ct);
        if (a is null) return ConsolePage.Message(http, 404, "Not found", $"No advisory {id}.");
        if (a.Status == AdvisoryStatus.Published) return ConsolePage.Message(http, 409, "Already published", "This advisory is already published.");
        var reach = await service.ReachAsync(a, ct);
        return ConsolePage.Render(http, "Publish this advisory?", H($"""
            <p id="confirm-reach">Publishing <strong>{a.Title}</strong> ({a.Severity.ToString().ToLowerInvariant()}) emails <strong id="confirm-recipients">{reach.Recipients}</strong>
            recipient(s) about <strong id="confirm-resources">{reach.Resources}</strong> resource(s) now, and shows a banner on their dashboards.
            {reach.Unreachable} resource(s) have no known contact. The text cannot be changed afterwards.</p>
            {ConsolePage.Form(http, $"/console/advisories/{a.Id}/publish", H($"<input type=\"hidden\" name=\"confirm\" value=\"yes\">"), "Publish now", "publish-form", "danger")}
            <p><a href="/console/advisories/{a.Id}">Back to the draft</a></p>
            """));
    }

    private static async Task<IResult> Publish(Guid id, HttpContext http, IFormCollection form, AdvisoryService service, CancellationToken ct)
    {
        if (form["confirm"] != "yes") return ConsolePage.Message(http, 400, "Not published", "Publishing needs the confirmation step.");
        var outcome = await service.PublishAsync(id, http.User.Actor(), http.TraceIdentifier, ct);
        if (outcome.Failure is { } f) return ConsolePage.Message(http, f.Status, "Not published", f.Message);
        return TypedResults.Redirect($"/console/advisories/{id}/progress");
    }

    private static async Task<ContentHttpResult> Progress(Guid id, HttpContext http, AdvisoryService service, CancellationToken ct, int? resent = null)
    {
        var a = await service.FindAsync(id, ct);
        if (a is null) return ConsolePage.Message(http, 404, "Not found", $"No advisory {id}.");
        var progress = (await service.ProgressAsync(id, ct)).Value!;
        var failed = await service.FailedRecipientsAsync(id, ct);
        return ConsolePage.Render(http, $"Delivery of “{a.Title}”", H($"""
            {When(resent is not null, () => H($"<p class=\"saved\" role=\"status\" id=\"resent\">{resent} recipient(s) queued again.</p>"))}
            <div id="progress" data-source="/console/api/advisories/{a.Id}/progress">
            <progress id="progress-bar" max="100" value="{Percent(progress)}"></progress>
            <p><span id="progress-percent">{Percent(progress)}</span>% done — <span id="progress-sent">{progress.Sent}</span> sent,
            <span id="progress-pending">{progress.Pending}</span> pending, <span id="progress-failed">{progress.Failed}</span> failed of
            <span id="progress-total">{progress.Total}</span>; <span id="progress-unreachable">{progress.Unreachable}</span> resource(s) unreachable.</p>
            <p class="hint" id="progress-state">{(a.ResolvedAt is null ? "Resolving recipients…" : "")}</p>
            </div>
            <section id="failed"><h2>Failed recipients</h2>
            {(failed.Count == 0 ? H($"<p>None.</p>") : H($"""
                {ConsolePage.Table(["Email", "Attempts", "Why"], failed.Select(f => H($"<tr><td>{f.Email}</td><td>{f.Attempts}</td><td>{f.LastError ?? ""}</td></tr>")), "failed-list")}
                {ConsolePage.Form(http, $"/console/advisories/{a.Id}/resend", Empty, "Resend to the failed recipients", "resend-form")}
                """))}
            </section>
            {When(progress.UnreachableResources.Count > 0, () => H($"<section id=\"unreachable\"><h2>Unreachable resources</h2><ul>{progress.UnreachableResources.Select(r => H($"<li><a href=\"/console/resources/{r.Id}\">{r.Name ?? r.Id.ToString()}</a> ({r.Product}, {r.Plan})</li>"))}</ul></section>"))}
            <p><a href="/console/advisories/{a.Id}">The advisory</a> · <a href="/console/advisories/new?followUpOf={a.Id}">Write a follow-up</a></p>
            """), scripts: ["console-progress.js"]);
    }

    /// <summary>Delivered or failed for good, out of all recipients; 0 until the recipients are resolved.</summary>
    public static int Percent(AdvisoryProgress p) => p.Total == 0 ? 0 : (int)Math.Floor(100.0 * (p.Sent + p.Failed) / p.Total);

    private static async Task<IResult> Resend(Guid id, HttpContext http, IFormCollection form, AdvisoryService service, CancellationToken ct)
    {
        var outcome = await service.ResendFailedAsync(id, null, http.User.Actor(), http.TraceIdentifier, ct);
        if (outcome.Failure is { } f) return ConsolePage.Message(http, f.Status, "Not resent", f.Message);
        return TypedResults.Redirect($"/console/advisories/{id}/progress?resent={outcome.Value}");
    }

    public sealed record DraftPreview(EmailPreview Email, AdvisoryReach Reach);

    private static async Task<Results<Ok<DraftPreview>, ProblemHttpResult>> PreviewDraft(HttpContext http, IFormCollection form, AdvisoryService service, CancellationToken ct)
    {
        Guid? parentId = Guid.TryParse(form["followUpOf"], out var p) ? p : null;
        var outcome = await service.PreviewDraftAsync(AdvisoryForm.Read(form), parentId, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(new DraftPreview(outcome.Value.Email, outcome.Value.Reach));
    }

    public sealed record ProgressView(int Percent, int Total, int Pending, int Sent, int Failed, int Unreachable, bool Resolved);

    private static async Task<Results<Ok<ProgressView>, ProblemHttpResult>> ProgressJson(Guid id, AdvisoryService service, CancellationToken ct)
    {
        var a = await service.FindAsync(id, ct);
        if (a is null) return Errors.Failure.NotFound($"No advisory {id}.").ToResult();
        var p = (await service.ProgressAsync(id, ct)).Value!;
        return TypedResults.Ok(new ProgressView(Percent(p), p.Total, p.Pending, p.Sent, p.Failed, p.Unreachable, a.ResolvedAt is not null));
    }
}
