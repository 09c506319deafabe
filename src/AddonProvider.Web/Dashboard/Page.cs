using AddonProvider.Web.Catalog;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Dashboard;

/// <summary>The page shell every dashboard page shares: Heroku's nav header, our header, one stylesheet, no inline script.</summary>
public static class Page
{
    public const string BoomerangUrl = "https://s3.amazonaws.com/assets.heroku.com/boomerang/boomerang.js";

    public static ContentHttpResult Render(HttpContext http, string title, Html body, int status = StatusCodes.Status200OK, Html? nav = null)
    {
        var product = http.User.FindFirst("product")?.Value is { } productId
            ? http.RequestServices.GetRequiredService<Products>().Info(productId)?.Name ?? "Add-on"
            : "Add-on";
        var resourceId = http.User.ResourceId();
        var signedIn = resourceId is not null;
        var html = H($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · {product}</title>
            <link rel="stylesheet" href="/assets/dashboard.css">
            <script src="{BoomerangUrl}" defer></script>
            <script src="/assets/nav.js" defer></script>
            </head>
            <body data-app="{http.User.HerokuApp() ?? ""}" data-addon="{product}">
            <div id="heroku-header"></div>
            <header class="top">
              <strong>{product}</strong>
              {(signedIn ? H($"<span class=\"who\">{http.User.UserEmail() ?? ""}</span>{LogoutForm(http)}") : Empty)}
            </header>
            {nav ?? Empty}
            <main>
            {Banners(http)}
            <h1>{title}</h1>
            {(http.Items[ReadOnlyKey] is string reason ? H($"<fieldset class=\"readonly\" disabled title=\"{reason}\">{body}</fieldset>") : body)}
            </main>
            {(resourceId is { } id ? H($"<footer class=\"page\"><a href=\"/dashboard/{id}/security/report\" id=\"report-concern\">Report a security concern</a></footer>") : Empty)}
            </body>
            </html>
            """);
        // CSP, nosniff and the referrer policy come from Hosting/SecurityHeaders for every dashboard answer.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html.Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>
    /// Adds a banner above the title of whatever page this request renders. Features fill it from a dashboard
    /// filter (security advisories do), so every page shows it without each page asking for it.
    /// </summary>
    public static void AddBanner(HttpContext http, Html banner)
    {
        if (http.Items[BannersKey] is not List<Html> list) http.Items[BannersKey] = list = [];
        list.Add(banner);
    }

    private static readonly object BannersKey = new();

    /// <summary>
    /// Endpoint metadata for dashboard routes that answer with data, never a page (the publish form's auto-save,
    /// every 5 s): banner filters skip them instead of querying for banners nobody sees.
    /// </summary>
    public static readonly object NoPage = new NoPageMarker();

    private sealed class NoPageMarker;

    public static bool RendersPage(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<NoPageMarker>() is null;

    /// <summary>
    /// This request's session may look but not change (<see cref="DashboardAccess"/>): the page says why above its title,
    /// and every control in its body is disabled (a disabled fieldset), so forms cannot be sent from it.
    /// </summary>
    public static void MarkReadOnly(HttpContext http, string reason)
    {
        http.Items[ReadOnlyKey] = reason;
        AddBanner(http, H($"<p class=\"notice readonly\" role=\"status\" id=\"read-only\"><strong>Read-only.</strong> {reason}</p>"));
    }

    private static readonly object ReadOnlyKey = new();

    private static Html Banners(HttpContext http) => http.Items[BannersKey] is List<Html> list ? Join(list) : Empty;

    /// <summary>A page for someone without (or with the wrong) session: no nav, no logout.</summary>
    public static ContentHttpResult Message(HttpContext http, int status, string title, string message) =>
        Render(http, title, H($"<p class=\"notice\">{message}</p>"), status);

    public static Html Antiforgery(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return H($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
    }

    private static Html LogoutForm(HttpContext http) =>
        H($"<form method=\"post\" action=\"/sso/logout\" class=\"inline\">{Antiforgery(http)}<button type=\"submit\">Sign out</button></form>");

    public static Html Errors(IReadOnlyList<string> errors) => errors.Count == 0 ? Empty
        : H($"<div class=\"errors\" role=\"alert\"><p>Nothing was saved:</p><ul>{errors.Select(e => H($"<li>{e}</li>"))}</ul></div>");

    public static Html Saved(bool saved) => When(saved, () => H($"<p class=\"saved\" role=\"status\">Saved.</p>"));
}
