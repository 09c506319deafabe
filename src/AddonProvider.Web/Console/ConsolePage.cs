using AddonProvider.Web.Admin;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>
/// The console's page shell: built like the customer dashboards (encoded holes, the same stylesheet, scripts only as
/// served files, an antiforgery token in every form), under the operators' content security policy.
/// </summary>
public static class ConsolePage
{
    public static ContentHttpResult Render(HttpContext http, string title, Html body, int status = StatusCodes.Status200OK, IReadOnlyList<string>? scripts = null)
    {
        var signedIn = http.User.Identity?.IsAuthenticated == true && http.User.HasClaim(c => c.Type == "console_auth");
        var html = H($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Operators' console</title>
            <link rel="stylesheet" href="/assets/dashboard.css">
            {(scripts ?? []).Select(s => H($"<script src=\"/assets/{s}\" defer></script>"))}
            </head>
            <body class="console">
            <header class="top">
              <strong>Operators' console</strong>
              {When(signedIn, () => H($"<span class=\"who\" id=\"operator\">{http.User.Subject()} ({string.Join(", ", http.User.FindAll("role").Select(r => r.Value))})</span>{SignOutForm(http)}"))}
            </header>
            {When(signedIn, () => Nav(http))}
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html.Value, "text/html; charset=utf-8", statusCode: status);
    }

    public static ContentHttpResult Message(HttpContext http, int status, string title, string message) =>
        Render(http, title, H($"<p class=\"notice\" role=\"alert\">{message}</p>"), status);

    public static Html Antiforgery(HttpContext http) => Page.Antiforgery(http);

    /// <summary>A form that posts to a console action, with its antiforgery token.</summary>
    public static Html Form(HttpContext http, string action, Html fields, string button, string? id = null, string css = "inline") =>
        H($"<form method=\"post\" action=\"{action}\" class=\"{css}\"{(id is null ? Empty : H($" id=\"{id}\""))}>{Antiforgery(http)}{fields}<button type=\"submit\">{button}</button></form>");

    private static Html SignOutForm(HttpContext http) => Form(http, "/console/sign-out", Empty, "Sign out", "sign-out");

    private static Html Nav(HttpContext http)
    {
        var links = new List<Html>();
        if (http.User.IsInRole(AdminRoles.Operator)) links.Add(H($"<a href=\"/console/resources\">Resources</a>"));
        if (http.User.IsInRole(AdminRoles.Security)) links.Add(H($"<a href=\"/console/advisories\">Advisories</a>"));
        if (http.User.IsInRole(AdminRoles.Security)) links.Add(H($"<a href=\"/console/security-reports\">Security reports</a>"));
        if (http.User.IsInRole(AdminRoles.Operator))
            foreach (var product in http.RequestServices.GetRequiredService<ProductRegistry>().ById.Values.Where(p => p.Console is not null))
                links.Add(H($"<a href=\"/console/{product.Info.DashboardPath}\">{product.Console!.Title}</a>"));
        return H($"<nav class=\"tabs\" aria-label=\"Console\">{Join(links)}</nav>");
    }

    /// <summary>
    /// Escapes nothing itself: every value goes through <see cref="Html.H"/>'s holes. Operators' tables are wide; on a phone
    /// the table scrolls inside its own region (focusable, so a keyboard can scroll it too) instead of the whole page.
    /// </summary>
    public static Html Table(IEnumerable<string> headings, IEnumerable<Html> rows, string? id = null) =>
        H($"<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{(id ?? "table").Replace('-', ' ')}\"><table{(id is null ? Empty : H($" id=\"{id}\""))}><thead><tr>{headings.Select(h => H($"<th>{h}</th>"))}</tr></thead><tbody>{rows}</tbody></table></div>");
}
