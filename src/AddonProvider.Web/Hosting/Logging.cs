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
        // Replace the framework's providers (console, debug, event source) but keep any a host added on purpose,
        // such as the test suite's capturing provider.
        var frameworkProviders = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)
            && d.ImplementationType?.Assembly.GetName().Name?.StartsWith("Microsoft.Extensions.Logging", StringComparison.Ordinal) == true).ToList();
        foreach (var d in frameworkProviders) builder.Services.Remove(d);
        if (json)
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.IncludeScopes = true; });
    }
}
