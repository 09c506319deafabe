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
            .AddScoped<AppStore>().AddScoped<PublishingService>().AddScoped<SubmissionReviewService>()
            .AddJob<NotifyOperatorsJob>(NotifyOperatorsJob.Kind);

    /// <summary>Maps the pages under <c>/dashboard/{id}/mobiloud</c> (the group is already limited to MobiLoud sessions).</summary>
    public static void MapPages(RouteGroupBuilder group)
    {
        group.MapGet("/", Start);
        group.MapPost("/website", SetWebsite);
        group.MapGet("/{section:regex(^(menu|colors|notifications|settings|advanced)$)}", Show);
        group.MapPost("/{section:regex(^(menu|colors|notifications|settings|advanced)$)}", Save);
        group.MapPublishing();
    }

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
            return WebsitePage(http, r, url, "The website URL must be an absolute http(s) URL, such as https://www.example.com.");
        await store.CreateAsync(r.Id, url, ct); // a conflict means another window already set it: either way, go on
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/menu");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Show(string section, HttpContext http, AppStore store, CancellationToken ct)
    {
        var r = http.Resource();
        if (await store.FindAsync(r.Id, ct) is not { } app) return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud");
        var config = AppConfig.FromJson(app.ConfigJson);
        return SectionPage(http, r, section, config, config, app.Version, [], saved: http.Request.Query.ContainsKey("saved"));
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
            return SectionPage(http, r, section, stored, stored, version, [parseError!], advancedText: advancedText, status: StatusCodes.Status422UnprocessableEntity);
        var errors = AppRules.Check(edited);
        if (errors.Count > 0)
            return SectionPage(http, r, section, edited, stored, version, errors, advancedText: advancedText, status: StatusCodes.Status422UnprocessableEntity);

        if (await store.SaveAsync(r.Id, version, edited, null, ct) is { } failure)
        {
            // Refused, not lost: the customer's input comes back with the current version, ready to save again.
            var current = await store.FindAsync(r.Id, ct);
            return SectionPage(http, r, section, edited, AppConfig.FromJson(current!.ConfigJson), current.Version, [failure.Message],
                advancedText: advancedText, status: failure.Status);
        }
        // A button other than Save (a tab move) keeps the customer on the editor they were using.
        return TypedResults.Redirect($"/dashboard/{r.Id}/mobiloud/{section}?saved=1");
    }

    /// <param name="shown">what the form shows (possibly the customer's rejected input)</param>
    /// <param name="stored">what the preview shows: always the saved document</param>
    private static ContentHttpResult SectionPage(HttpContext http, Resource r, string section, AppConfig shown, AppConfig stored, uint version,
        IReadOnlyList<string> errors, bool saved = false, string? advancedText = null, int status = StatusCodes.Status200OK) =>
        Page.Render(http, SectionForms.Title(section), H($"""
            <div class="split">
            <section class="editor">
            {Page.Saved(saved)}
            {Page.Errors(errors)}
            {MobiLoudLayout.Editor(r, section, SectionForms.Render(section, shown, advancedText), version, Page.Antiforgery(http))}
            </section>
            {MobiLoudLayout.Preview(stored, r.PublicAppId)}
            </div>
            """), status, MobiLoudLayout.Nav(r, section));
}
