using AddonProvider.Web.Dashboard;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// Headers set in one place for every answer — pages, JSON, errors and 404s alike, and also after the exception
/// handler cleared a failed response (they are applied as the response starts). The dashboard runs only our own
/// scripts plus Heroku's boomerang nav (that one file, not its host), never inline ones, so a value a customer typed
/// can never execute. An app preview frames the customer's own site, hence frame-src allows any http(s) origin.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Customer pages: scripts only from us and boomerang's exact URL; inline styles only ever carry validated #RRGGBB colours.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' " + Page.BoomerangUrl + "; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https:; frame-src http: https:; frame-ancestors 'self'; form-action 'self'; " +
        "base-uri 'none'; object-src 'none'; connect-src 'self'";

    /// <summary>
    /// Operator pages under /admin (the Hangfire dashboard, the token sign-in page) and the console under /console: only our own scripts, never framed.
    /// Hangfire's pages carry style attributes, hence inline styles; its scripts are files it serves itself.
    /// </summary>
    public const string AdminPagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    /// <summary>Everything that is not a page (JSON, problem+json, the /v1 API): nothing may load or frame it.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // The path as it arrived: by the time the response starts, a branch (the jobs dashboard) may have moved a prefix into PathBase.
        var path = context.Request.PathBase.Add(context.Request.Path);
        context.Response.OnStarting(() =>
        {
            var http = context;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            var isPage = http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
            if (path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/sso") || (isPage && !path.StartsWithSegments("/admin") && !path.StartsWithSegments("/console")))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "SAMEORIGIN"; // an app preview frames our own page
            }
            else
            {
                headers.ContentSecurityPolicy = isPage ? AdminPagePolicy : ApiPolicy;
                headers.XFrameOptions = "DENY";
            }
            return Task.CompletedTask;
        });
        return next(context);
    });
}
