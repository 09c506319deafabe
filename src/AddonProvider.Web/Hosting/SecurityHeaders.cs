namespace AddonProvider.Web.Hosting;

/// <summary>
/// Headers for the pages customers see, set in one place for every dashboard and SSO answer (pages, errors,
/// 404s alike). The dashboard runs only our own scripts (plus Heroku's boomerang nav), never inline ones, so a
/// value a customer typed can never execute. An app preview frames the customer's own site, hence
/// frame-src allows any http(s) origin.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Scripts only from us and Heroku's boomerang; inline styles only ever carry validated #RRGGBB colours.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' https://s3.amazonaws.com; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https:; frame-src http: https:; frame-ancestors 'self'; form-action 'self'; " +
        "base-uri 'none'; object-src 'none'; connect-src 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        var path = context.Request.Path;
        if (path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/sso"))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "SAMEORIGIN"; // an app preview frames our own page
        }
        return next(context);
    });
}
