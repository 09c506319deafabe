namespace AddonProvider.Web.Hosting;

/// <summary>
/// Uses the Heroku router's X-Request-Id as this request's id (logs, audit rows, error bodies) and echoes it.
/// Values that are too long or carry unexpected characters are ignored rather than trusted.
/// </summary>
public static class RequestIdMiddleware
{
    public const string Header = "X-Request-Id";

    public static IApplicationBuilder UseRouterRequestId(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("AddonProvider.Request");
        return app.Use(async (context, next) =>
        {
            var incoming = context.Request.Headers[Header].ToString();
            if (incoming.Length is > 0 and <= 200 && incoming.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
                context.TraceIdentifier = incoming;
            context.Response.Headers[Header] = context.TraceIdentifier;
            // ASP.NET's own request scope captured the id before we replaced it; this scope carries the router's.
            using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = context.TraceIdentifier }))
                await next(context);
        });
    }
}
