using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>Publish: paid plans only; a draft auto-saved every 5 s by publish.js, validated on submit, frozen after.</summary>
public static class PublishEndpoints
{
    public const string UpgradeMessage = "Publishing to the App Store and Google Play needs a paid plan.";

    public static void MapPublishing(this RouteGroupBuilder mobiloud)
    {
        mobiloud.MapGet("/publish", Show);
        mobiloud.MapPost("/publish/draft", SaveDraft).WithMetadata(Page.NoPage);
        mobiloud.MapPost("/publish", Submit);
    }

    private static async Task<bool> CanPublishAsync(Resource r, CatalogCache catalog) =>
        (await catalog.GetAsync()).Plan(r.ProductId, r.PlanSlug)?.CanPublish == true;

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Show(HttpContext http, CatalogCache catalog, AppStore apps, PublishingService publishing, CancellationToken ct)
    {
        var r = http.Resource();
        if (await apps.FindAsync(r.Id, ct) is null) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        if (!await CanPublishAsync(r, catalog)) return UpgradePage(http, r, StatusCodes.Status200OK);
        var draft = await publishing.FindAsync(r.Id, ct);
        return FormPage(http, r, draft, PublishingService.Values(draft), [], StatusCodes.Status200OK);
    }

    private static async Task<Results<Ok<DraftSaved>, ProblemHttpResult>> SaveDraft(IFormCollection form, HttpContext http, CatalogCache catalog, PublishingService publishing, CancellationToken ct)
    {
        var r = http.Resource();
        if (!await CanPublishAsync(r, catalog)) return Errors.Failure.Forbidden(UpgradeMessage).ToResult();
        _ = uint.TryParse(form["version"], out var version);
        var outcome = await publishing.SaveDraftAsync(r.Id, version, PublishForm.Read(form), ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(new DraftSaved(outcome.Value));
    }

    public sealed record DraftSaved(uint Version);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Submit(IFormCollection form, HttpContext http, CatalogCache catalog, AppStore apps, PublishingService publishing, CancellationToken ct)
    {
        var r = http.Resource();
        if (await apps.FindAsync(r.Id, ct) is null) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        if (!await CanPublishAsync(r, catalog)) return UpgradePage(http, r, StatusCodes.Status403Forbidden);
        _ = uint.TryParse(form["version"], out var version);
        var values = PublishForm.Read(form);
        // Saved first even when invalid: what the customer typed survives, and the submit below compares versions.
        var saved = await publishing.SaveDraftAsync(r.Id, version, values, ct);
        if (saved.Failure is { } stale)
        {
            var latest = await publishing.FindAsync(r.Id, ct);
            return FormPage(http, r, latest, values, [stale.Message], stale.Status);
        }
        var errors = PublishForm.Check(values);
        var draft = await publishing.FindAsync(r.Id, ct);
        if (errors.Count > 0) return FormPage(http, r, draft, values, errors, StatusCodes.Status422UnprocessableEntity);
        if (await publishing.SubmitAsync(r, saved.Value, http.User.Identity?.Name ?? "customer", http.TraceIdentifier, ct) is { } failure)
            return FormPage(http, r, await publishing.FindAsync(r.Id, ct), values, [failure.Message], failure.Status);
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/publish");
    }

    private static ContentHttpResult UpgradePage(HttpContext http, Resource r, int status) => Page.Render(http, "Publish", H($"""
        <div class="upgrade" id="upgrade-prompt">
        <p>{UpgradeMessage} You are on the free <strong>{r.PlanSlug}</strong> plan, which lets you configure and preview your app.</p>
        <p>Upgrade from your Heroku dashboard, or with the CLI:</p>
        <pre><code>heroku addons:upgrade {r.Name ?? "mobiloud"} mobiloud:starter</code></pre>
        </div>
        """), status, MobiLoudLayout.Nav(r, "publish"));

    private static ContentHttpResult FormPage(HttpContext http, Resource r, MobiLoudSubmission? row, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> errors, int status)
    {
        var submitted = row?.Status == SubmissionStatus.Submitted;
        if (submitted) values = PublishingService.Values(row);
        var body = H($"""
            {When(submitted, () => H($"<p class=\"saved\" role=\"status\" id=\"submitted\">Submitted on {row!.SubmittedAt:yyyy-MM-dd HH:mm} UTC. Our team will contact you; the request can no longer be edited.</p>"))}
            {(errors.Count == 0 ? Empty : H($"<div class=\"errors\" role=\"alert\"><p>The request was not submitted:</p><ul>{errors.Select(e => H($"<li>{e}</li>"))}</ul></div>"))}
            <form method="post" action="/dashboard/{r.Id}/mobiloud/publish" id="publish-form" novalidate data-draft-url="/dashboard/{r.Id}/mobiloud/publish/draft">
            {Page.Antiforgery(http)}
            <input type="hidden" name="version" value="{row?.Version ?? 0}">
            <fieldset {(submitted ? new Html("disabled") : Empty)}>
            {PublishForm.Sections.Select(s => H($"<fieldset class=\"section\"><legend>{s.Title}</legend>{s.Fields.Select(f => Input(f, values.GetValueOrDefault(f.Name, "")))}</fieldset>"))}
            {When(!submitted, () => H($"<p><button type=\"submit\">Submit publishing request</button> <span id=\"draft-status\" role=\"status\">{(row is null ? "" : "Draft saved.")}</span></p>"))}
            </fieldset>
            </form>
            {When(!submitted, () => H($"<script src=\"/assets/publish.js\" defer></script>"))}
            """);
        return Page.Render(http, "Publish your app", body, status, MobiLoudLayout.Nav(r, "publish"));
    }

    private static Html Input(PublishField f, string value) => f.Kind switch
    {
        FieldKind.Textarea => H($"<label>{f.Label}<textarea name=\"{f.Name}\" id=\"{f.Name}\" maxlength=\"{f.Max}\" rows=\"5\">{value}</textarea></label>"),
        FieldKind.Checkbox => H($"<label class=\"check\"><input type=\"checkbox\" name=\"{f.Name}\" id=\"{f.Name}\" value=\"yes\"{(value.Length > 0 ? new Html(" checked") : Empty)}> {f.Label}</label>"),
        _ => H($"<label>{f.Label}{(f.Required ? new Html(" <span class=\"req\">*</span>") : Empty)}<input name=\"{f.Name}\" id=\"{f.Name}\" type=\"{(f.Kind == FieldKind.Email ? "email" : f.Kind == FieldKind.Url ? "url" : "text")}\" maxlength=\"{f.Max}\" value=\"{value}\"></label>"),
    };
}
