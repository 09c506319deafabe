using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>The MobiLoud dashboard: website URL on first visit, the five section editors and the preview.</summary>
public static class MobiLoudEndpoints
{
    /// <summary>The MobiLoud product: its type, the app store behind the dashboard and publishing.</summary>
    public static IServiceCollection AddMobiLoud(this IServiceCollection services) =>
        services.AddProduct<MobiLoudProduct>(MobiLoudProduct.Facts, MapPages, SubmissionConsole.Section)
            .AddScoped<AppStore>().AddScoped<PublishingService>().AddScoped<AppGraphics>().AddScoped<SubmissionReviewService>()
            .AddJob<NotifyOperatorsJob>(NotifyOperatorsJob.Kind);

    /// <summary>Maps the pages under <c>/dashboard/{id}/mobiloud</c> (the group is already limited to MobiLoud sessions).</summary>
    public static void MapPages(RouteGroupBuilder group)
    {
        group.MapGet("/", Start);
        group.MapPost("/website", SetWebsite);
        group.MapGet("/{section:regex(^(menu|colors|notifications|settings|advanced)$)}", Show);
        group.MapPost("/{section:regex(^(menu|colors|notifications|settings|advanced)$)}", Save);
        group.MapGet("/preview", ShowPreview);
        group.MapGet("/preview.css", (string? status, string? bar, string? active, string? inactive, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "private, max-age=3600"; // the colours are the URL: a new colour is a new URL
            return TypedResults.Text(MobiLoudLayout.PreviewStylesheet(status, bar, active, inactive), "text/css; charset=utf-8");
        }).WithMetadata(Page.NoPage);
        group.MapPublishing();
    }

    public const string WebsiteUrlError = "The website URL must be an absolute http(s) URL, such as https://www.example.com.";

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Start(HttpContext http, AppStore store, CancellationToken ct)
    {
        var r = http.Resource();
        return await store.FindAsync(r.Id, ct) is null
            ? WebsitePage(http, r, null, null)
            : TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/menu");
    }

    private static ContentHttpResult WebsitePage(HttpContext http, Resource r, string? value, string? error) => Page.Render(http, "Your website",
        H($"""
        <p>MobiLoud turns your website into an iOS and Android app. Which website should the app show?</p>
        {Page.Errors(error is null ? [] : [error])}
        <form method="post" action="/dashboard/{r.Id}/mobiloud/website">
        {Page.Antiforgery(http)}
        {SectionForms.Field("website_url", "Website URL (https://…)", value, "url")}
        <p><button type="submit">Continue</button></p>
        </form>
        """), error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> SetWebsite(IFormCollection form, HttpContext http, AppStore store, CancellationToken ct)
    {
        var r = http.Resource();
        var url = form["website_url"].ToString().Trim();
        if (!AppRules.IsWebUrl(url))
            return WebsitePage(http, r, url, WebsiteUrlError);
        await store.CreateAsync(r.Id, url, ct); // a conflict means another window already set it: either way, go on
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/menu");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Show(string section, HttpContext http, AppStore store, CancellationToken ct)
    {
        var r = http.Resource();
        if (await store.FindAsync(r.Id, ct) is not { } app) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        var config = AppConfig.FromJson(app.ConfigJson);
        return SectionPage(http, r, section, config, config, app.Version, [], app.WebsiteUrl, saved: http.Request.Query.ContainsKey("saved"));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> ShowPreview(HttpContext http, AppStore store, CancellationToken ct)
    {
        var r = http.Resource();
        if (await store.FindAsync(r.Id, ct) is not { } app) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        var c = AppConfig.FromJson(app.ConfigJson);
        return Page.Render(http, "Preview", H($"""
            <div class="split">
            <section class="editor" aria-labelledby="preview-summary">
            <h2 id="preview-summary">What the app shows</h2>
            <dl><dt>Website</dt><dd><a href="{app.WebsiteUrl}" rel="noopener noreferrer">{app.WebsiteUrl}</a> (change it in <a href="/dashboard/{r.Id}/mobiloud/settings">Settings</a>)</dd>
            <dt>Main page</dt><dd>{c.Menu.MainUrl}</dd>
            <dt>Tabs, in order</dt><dd>{(c.Menu.Tabs.Count == 0
                ? H($"None yet. <a href=\"/dashboard/{r.Id}/mobiloud/menu\">Add tabs in Menu</a>.")
                : H($"<ol id=\"preview-tabs\">{c.Menu.Tabs.Select(t => H($"<li>{t.Label} <span class=\"hint\">({t.Icon}, {t.Url})</span></li>"))}</ol>"))}</dd>
            <dt>Colors</dt><dd>status bar <code>{c.Colors.StatusBar}</code>, tab bar <code>{c.Colors.TabBarBackground}</code>, active tab <code>{c.Colors.ActiveTab}</code>, inactive tab <code>{c.Colors.InactiveTab}</code> (<a href="/dashboard/{r.Id}/mobiloud/colors">change</a>)</dd></dl>
            <p class="hint">The preview shows your saved configuration, as an iPhone shows it. When it looks right, <a href="/dashboard/{r.Id}/mobiloud/publish">publish your app</a>.</p>
            </section>
            {MobiLoudLayout.Preview(r, c)}
            </div>
            """), nav: MobiLoudLayout.Nav(r, "preview"));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Save(string section, IFormCollection form, HttpContext http, AppStore store, CancellationToken ct)
    {
        var r = http.Resource();
        if (await store.FindAsync(r.Id, ct) is not { } app) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        var stored = AppConfig.FromJson(app.ConfigJson);
        _ = uint.TryParse(form["version"], out var version);
        var (edited, parseError) = SectionForms.Read(section, stored, form);
        var advancedText = section == "advanced" ? form["json"].ToString() : null;
        if (edited is null)
            return SectionPage(http, r, section, stored, stored, version, [parseError!], app.WebsiteUrl, advancedText: advancedText, status: StatusCodes.Status422UnprocessableEntity);
        // Settings also edits the website URL (asked for on the first visit), with the same rule.
        // A post without the field (a page from before it existed) leaves the website as it is.
        var websiteUrl = section == "settings" && form.ContainsKey("website_url") ? form["website_url"].ToString().Trim() : null;
        var errors = AppRules.Check(edited);
        if (websiteUrl is not null && !AppRules.IsWebUrl(websiteUrl)) errors.Insert(0, WebsiteUrlError);
        if (errors.Count > 0)
            return SectionPage(http, r, section, edited, stored, version, errors, websiteUrl ?? app.WebsiteUrl, advancedText: advancedText, status: StatusCodes.Status422UnprocessableEntity);

        if (await store.SaveAsync(r.Id, version, edited, websiteUrl, ct) is { } failure)
        {
            // Refused, not lost: the customer's input comes back with the current version, ready to save again.
            var current = await store.FindAsync(r.Id, ct);
            return SectionPage(http, r, section, edited, AppConfig.FromJson(current!.ConfigJson), current.Version, [failure.Message],
                websiteUrl ?? current.WebsiteUrl, advancedText: advancedText, status: failure.Status);
        }
        // A button other than Save (a tab move) keeps the customer on the editor they were using.
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/{section}?saved=1");
    }

    /// <param name="shown">what the form shows (possibly the customer's rejected input)</param>
    /// <param name="stored">what the preview shows: always the saved document</param>
    private static ContentHttpResult SectionPage(HttpContext http, Resource r, string section, AppConfig shown, AppConfig stored, uint version,
        IReadOnlyList<string> errors, string websiteUrl, bool saved = false, string? advancedText = null, int status = StatusCodes.Status200OK) =>
        Page.Render(http, SectionForms.Title(section), H($"""
            <div class="split">
            <section class="editor">
            {Page.Saved(saved)}
            {Page.Errors(errors)}
            {MobiLoudLayout.Editor(r, section, SectionForms.Render(section, shown, advancedText, websiteUrl), version, Page.Antiforgery(http))}
            </section>
            {MobiLoudLayout.Preview(r, stored)}
            </div>
            """), status, MobiLoudLayout.Nav(r, section));
}
