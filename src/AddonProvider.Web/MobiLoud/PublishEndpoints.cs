using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>Publish: paid plans only; a draft auto-saved every 5 s by publish.js, validated on submit, frozen after.</summary>
public static class PublishEndpoints
{
    public const string UpgradeMessage = "Publishing to the App Store and Google Play needs a paid plan.";

    /// <summary>Where the seed sends customers who need to change a submitted request.</summary>
    public const string SupportEmail = "support@mobiloud.com";

    public static void MapPublishing(this RouteGroupBuilder mobiloud)
    {
        mobiloud.MapGet("/publish", Show);
        mobiloud.MapPost("/publish/start", Start);
        mobiloud.MapPost("/publish/draft", SaveDraft).WithMetadata(Page.NoPage);
        mobiloud.MapPost("/publish", Submit);
        mobiloud.MapPost("/publish/graphics/{kind:regex(^(icon|splash)$)}", Upload).WithMetadata(new RequestSizeLimitAttribute(AppGraphics.UploadBodyLimit));
        mobiloud.MapGet("/publish/graphics/{kind:regex(^(icon|splash)$)}", ServeGraphic).WithMetadata(Page.NoPage);
    }

    private static async Task<bool> CanPublishAsync(Resource r, CatalogCache catalog) =>
        (await catalog.GetAsync()).Plan(r.ProductId, r.PlanSlug)?.CanPublish == true;

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Show(HttpContext http, CatalogCache catalog, AppStore apps, PublishingService publishing, CancellationToken ct)
    {
        var r = http.Resource();
        if (await apps.FindAsync(r.Id, ct) is null) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        if (!await CanPublishAsync(r, catalog)) return UpgradePage(http, r, StatusCodes.Status200OK);
        var draft = await publishing.FindAsync(r.Id, ct);
        if (draft is null) return StartPage(http, r);
        return await FormPageAsync(http, r, draft, PublishingService.Values(draft), [], StatusCodes.Status200OK, ct);
    }

    /// <summary>"Start App Submission": creates the (empty) draft the form then auto-saves into.</summary>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Start(IFormCollection _, HttpContext http, CatalogCache catalog, AppStore apps, PublishingService publishing, CancellationToken ct)
    {
        var r = http.Resource();
        if (await apps.FindAsync(r.Id, ct) is null) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        if (!await CanPublishAsync(r, catalog)) return UpgradePage(http, r, StatusCodes.Status403Forbidden);
        await publishing.SaveDraftAsync(r.Id, 0, [], ct); // a conflict: another window started it already; either way the form follows
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/publish");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Upload(string kind, IFormCollection form, HttpContext http, CatalogCache catalog,
        AppStore apps, PublishingService publishing, AppGraphics graphics, CancellationToken ct)
    {
        var r = http.Resource();
        var rule = AppGraphics.Rule(kind)!;
        if (await apps.FindAsync(r.Id, ct) is null) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        if (!await CanPublishAsync(r, catalog)) return UpgradePage(http, r, StatusCodes.Status403Forbidden);
        var file = form.Files.GetFile("file");
        var length = file?.Length ?? 0;
        byte[] bytes = [];
        if (file is not null && length > 0 && length <= rule.MaxBytes)
        {
            using var copy = new MemoryStream((int)length);
            await file.CopyToAsync(copy, ct);
            bytes = copy.ToArray();
        }
        var (image, error) = AppGraphics.Check(rule, bytes, length);
        var failure = error is not null
            ? (length > rule.MaxBytes ? Errors.Failure.TooLarge(error) : Errors.Failure.Unprocessable(error))
            : await graphics.SaveAsync(r.Id, rule, image!, bytes, file!.FileName, ct);
        if (failure is null) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/publish?uploaded={rule.Kind}#graphics");
        var draft = await publishing.FindAsync(r.Id, ct);
        if (draft is null) return StartPage(http, r, [failure.Message], failure.Status);
        return await FormPageAsync(http, r, draft, PublishingService.Values(draft), [failure.Message], failure.Status, ct);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ServeGraphic(string kind, HttpContext http, AppGraphics graphics, CancellationToken ct)
    {
        if (await graphics.FindAsync(http.Resource().Id, kind, ct) is not { } g) return TypedResults.NotFound();
        // Our bytes, checked at upload, with the type we read from them; never sniffed, never from a customer's URL.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-cache";
        return TypedResults.File(g.Bytes, g.ContentType, lastModified: new DateTimeOffset(g.UploadedAt, TimeSpan.Zero));
    }

    /// <summary>
    /// The auto-save's answer is read by publish.js, so a refusal is JSON with the message to show — not the problem page
    /// every other dashboard error becomes.
    /// </summary>
    private static async Task<Results<Ok<DraftSaved>, JsonHttpResult<DraftRefused>>> SaveDraft(IFormCollection form, HttpContext http, CatalogCache catalog, PublishingService publishing, CancellationToken ct)
    {
        var r = http.Resource();
        if (!await CanPublishAsync(r, catalog)) return TypedResults.Json(new DraftRefused(UpgradeMessage), statusCode: StatusCodes.Status403Forbidden);
        _ = uint.TryParse(form["version"], out var version);
        var outcome = await publishing.SaveDraftAsync(r.Id, version, PublishForm.Read(form), ct);
        return outcome.Failure is { } f ? TypedResults.Json(new DraftRefused(f.Message), statusCode: f.Status) : TypedResults.Ok(new DraftSaved(outcome.Value));
    }

    public sealed record DraftSaved(uint Version);

    public sealed record DraftRefused(string Message);

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
            return await FormPageAsync(http, r, latest, values, [stale.Message], stale.Status, ct);
        }
        var errors = PublishForm.Check(values);
        var draft = await publishing.FindAsync(r.Id, ct);
        if (errors.Count > 0) return await FormPageAsync(http, r, draft, values, errors, StatusCodes.Status422UnprocessableEntity, ct);
        if (await publishing.SubmitAsync(r, saved.Value, http.User.Identity?.Name ?? "customer", http.TraceIdentifier, ct) is { } failure)
            return await FormPageAsync(http, r, await publishing.FindAsync(r.Id, ct), values, [failure.Message], failure.Status, ct);
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/publish");
    }

    private static ContentHttpResult UpgradePage(HttpContext http, Resource r, int status) => Page.Render(http, "Publish", H($"""
        <div class="upgrade" id="upgrade-prompt">
        <p>{UpgradeMessage} You are on the free <strong>{r.PlanSlug}</strong> plan, which lets you configure and preview your app.</p>
        <p>Upgrade from your Heroku dashboard, or with the CLI:</p>
        <pre tabindex="0"><code>heroku addons:upgrade {r.Name ?? "mobiloud"} mobiloud:starter</code></pre>
        </div>
        """), status, MobiLoudLayout.Nav(r, "publish"));

    private static ContentHttpResult StartPage(HttpContext http, Resource r, IReadOnlyList<string>? errors = null, int status = StatusCodes.Status200OK) =>
        Page.Render(http, "Publish your app", H($"""
            {Page.Errors(errors ?? [])}
            <p>MobiLoud's team builds your iOS and Android apps from your configuration and lists them in your own App Store and Google Play accounts.
            The submission form asks for:</p>
            <ul class="steps">{PublishForm.Sections.Select(s => H($"<li>{s.Title}</li>"))}</ul>
            <p>It saves itself every 5 seconds while you type, so you can leave and come back. Once you submit it, it cannot be edited.</p>
            <form method="post" action="/dashboard/{r.Id}/mobiloud/publish/start">{Page.Antiforgery(http)}
            <button type="submit" id="start-submission">Start App Submission</button></form>
            """), status, MobiLoudLayout.Nav(r, "publish"));

    private static async Task<ContentHttpResult> FormPageAsync(HttpContext http, Resource r, MobiLoudSubmission? row, IReadOnlyDictionary<string, string> values,
        IReadOnlyList<string> errors, int status, CancellationToken ct)
    {
        var submitted = row?.Status == SubmissionStatus.Submitted;
        if (submitted) values = PublishingService.Values(row);
        var uploaded = await http.RequestServices.GetRequiredService<AppGraphics>().ListAsync(r.Id, ct);
        var justUploaded = AppGraphics.Rule(http.Request.Query["uploaded"].ToString()) is { } u && errors.Count == 0 ? u : null;
        var body = H($"""
            {When(submitted, () => H($"""
                <div class="saved" role="status" id="submitted"><p>Submitted on {row!.SubmittedAt:yyyy-MM-dd HH:mm} UTC. Our team will contact you about the next steps.</p>
                <p>A submitted request cannot be edited. To change anything in it, email MobiLoud support at
                <a href="mailto:{SupportEmail}?subject=App%20submission%20{r.PublicAppId}">{SupportEmail}</a> and quote your app id <code>{r.PublicAppId}</code>.</p></div>
                """))}
            {(errors.Count == 0 ? Empty : H($"<div class=\"errors\" role=\"alert\"><p>{(status == StatusCodes.Status413PayloadTooLarge || errors.Any(e => e.EndsWith("Nothing was saved.", StringComparison.Ordinal)) ? "The file was not saved:" : "The request was not submitted:")}</p><ul>{errors.Select(e => H($"<li>{e}</li>"))}</ul></div>"))}
            {When(justUploaded is not null, () => H($"<p class=\"saved\" role=\"status\" id=\"uploaded\">{justUploaded!.Title} uploaded.</p>"))}
            <form method="post" action="/dashboard/{r.Id}/mobiloud/publish" id="publish-form" novalidate data-draft-url="/dashboard/{r.Id}/mobiloud/publish/draft"
              data-saved-at="{(row is null ? "" : row.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture))}">
            {Page.Antiforgery(http)}
            <input type="hidden" name="version" value="{row?.Version ?? 0}">
            <fieldset {(submitted ? new Html("disabled") : Empty)}>
            {PublishForm.Sections.Select(s => s.Uploads
                ? GraphicsSection(r, uploaded, submitted)
                : H($"<fieldset class=\"section\"><legend>{s.Title}</legend>{s.Fields.Select(f => Input(f, values.GetValueOrDefault(f.Name, "")))}</fieldset>"))}
            {When(!submitted, () => H($"""
                <div class="actions"><button type="submit" id="submit-request">Submit publishing request</button>
                <span class="status" id="draft-status" aria-hidden="true">{(row is null ? "" : "Saved")}</span></div>
                <p class="visually-hidden" id="draft-announce" role="status"></p>
                """))}
            </fieldset>
            </form>
            {When(!submitted, () => Join(AppGraphics.All.Select(g => H($"""<form method="post" enctype="multipart/form-data" action="/dashboard/{r.Id}/mobiloud/publish/graphics/{g.Kind}" id="upload-{g.Kind}" data-upload>{Page.Antiforgery(http)}</form>"""))))}
            {When(!submitted, () => H($"<script src=\"/assets/publish.js\" defer></script>"))}
            """);
        return Page.Render(http, submitted ? "Your app submission" : "Publish your app", body, status, MobiLoudLayout.Nav(r, "publish"));
    }

    /// <summary>
    /// The uploads, shown inside the request's form but posted by their own multipart forms (the form attribute), so the
    /// 5-second auto-save never carries a file and an upload never carries the typed fields.
    /// </summary>
    private static Html GraphicsSection(Resource r, List<GraphicInfo> uploaded, bool submitted) => H($"""
        <fieldset class="section" id="graphics"><legend>Graphics</legend>
        {AppGraphics.All.Select(rule =>
        {
            var g = uploaded.FirstOrDefault(x => x.Kind == rule.Kind);
            return H($"""
                <div class="graphic" id="graphic-{rule.Kind}">
                {(g is null
                    ? H($"<p class=\"hint\">No {rule.Title.ToLowerInvariant()} yet.</p>")
                    : H($"<img src=\"/dashboard/{r.Id}/mobiloud/publish/graphics/{rule.Kind}?v={g.UploadedAt.Ticks}\" alt=\"Your {rule.Title.ToLowerInvariant()}\"><p class=\"hint\">{(g.ContentType == ImageHeader.Jpeg ? "JPEG" : "PNG")}, {g.Width}×{g.Height}, {AppGraphics.Size(g.Length)}</p>"))}
                {When(!submitted, () => H($"""
                    <div><label for="{rule.Kind}-file">{rule.Title}: {rule.Requirements}</label>
                    <input type="file" name="file" id="{rule.Kind}-file" accept="{rule.Accept}" form="upload-{rule.Kind}">
                    <button type="submit" form="upload-{rule.Kind}" class="secondary" id="upload-{rule.Kind}-button">Upload {rule.Title.ToLowerInvariant()}</button></div>
                    """))}
                </div>
                """);
        })}
        </fieldset>
        """);

    private static Html Input(PublishField f, string value) => f.Kind switch
    {
        FieldKind.Textarea => H($"<label>{f.Label}<textarea name=\"{f.Name}\" id=\"{f.Name}\" maxlength=\"{f.Max}\" rows=\"5\">{value}</textarea></label>"),
        FieldKind.Checkbox => H($"<label class=\"check\"><input type=\"checkbox\" name=\"{f.Name}\" id=\"{f.Name}\" value=\"yes\"{(value.Length > 0 ? new Html(" checked") : Empty)}> {f.Label}</label>"),
        _ => H($"<label>{f.Label}{(f.Required ? new Html(" <span class=\"req\">*</span>") : Empty)}<input name=\"{f.Name}\" id=\"{f.Name}\" type=\"{(f.Kind == FieldKind.Email ? "email" : f.Kind == FieldKind.Url ? "url" : "text")}\" maxlength=\"{f.Max}\" value=\"{value}\"></label>"),
    };
}
