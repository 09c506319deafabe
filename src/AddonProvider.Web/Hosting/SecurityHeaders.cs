namespace AddonProvider.Web.Hosting;

/// <summary>
/// Headers for the pages customers see. The dashboard runs only our own scripts (plus Heroku's boomerang nav),
/// never inline ones, so a value a customer typed can never execute. The MobiLoud preview frames the
/// customer's own site, hence frame-src allows any http(s) origin.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' https://s3.amazonaws.com https://www.herokucdn.com; " +
        "style-src 'self' https://www.herokucdn.com; img-src 'self' data: https:; font-src 'self' https://www.herokucdn.com; " +
        "connect-src 'self'; frame-src https: http:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        var path = context.Request.Path;
        if (path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/sso"))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
        }
        return next(context);
    });
}
