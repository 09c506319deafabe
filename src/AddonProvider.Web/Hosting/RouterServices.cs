using AddonProvider.Web.Configuration;
using Microsoft.AspNetCore.HttpOverrides;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// Heroku's router in front of us: TLS ends there, so the scheme and client address arrive as X-Forwarded-*;
/// it gives a request 30 s to start answering and a dyno 30 s after SIGTERM.
/// </summary>
public static class RouterServices
{
    public const string DefaultTimeoutPolicy = "router";

    public static IServiceCollection AddRouterRealities(this IServiceCollection services, Settings settings)
    {
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The router's addresses are not published; every request on a dyno comes through it.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            o.ForwardLimit = 1;
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
            o.ExcludedHosts.Clear(); // only ever sent over https anyway
        });
        // Inside the router's 30 s, so we answer (and roll back) before the router gives up on us.
        var timeout = settings.GetDuration("REQUEST_TIMEOUT", TimeSpan.FromSeconds(25));
        services.AddRequestTimeouts(o => o.DefaultPolicy = new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutPolicy
        {
            Timeout = timeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.GetDuration("SHUTDOWN_TIMEOUT", TimeSpan.FromSeconds(25)));
        return services;
    }

    public static IApplicationBuilder UseRouterRealities(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseHsts();
        return app;
    }
}
