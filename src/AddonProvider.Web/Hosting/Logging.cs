using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// One JSON object per line (with the request-id scope) everywhere but an interactive Development console;
    /// LOG_FORMAT=json|text overrides. Secrets never reach a log call: see SECURITY.md.
    /// </summary>
    public static void ConfigureLogging(this WebApplicationBuilder builder, Settings settings)
    {
        var json = settings.Optional("LOG_FORMAT") switch
        {
            "json" => true,
            "text" => false,
            _ => !builder.Environment.IsDevelopment(),
        };
        builder.Logging.ClearProviders();
        if (json)
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.IncludeScopes = true; });
        // Outbound HTTP logging would print full URIs and is noisy; we log Platform API calls ourselves.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
    }
}
