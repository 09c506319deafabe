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
    public const string TrustForwardedForVariable = "TRUST_FORWARDED_FOR";
    /// <summary>Bodies of routes that declare no limit of their own (dashboard forms, the admin API); none takes uploads.</summary>
    public const long DefaultMaxBodyBytes = 256 * 1024;
    public const long RequestReadAheadBytes = 128 * 1024;
    /// <summary>Retry-After on the 503 for a request stopped by REQUEST_TIMEOUT.</summary>
    public const string TimedOutRetryAfterSeconds = "5";

    public static IServiceCollection AddRouterRealities(this IServiceCollection services, Settings settings)
    {
        // The client address counts authentication failures, so it must not be whatever a client writes: X-Forwarded-For
        // is believed only where Heroku's router is the only peer (DYNO set), or where a setting says a proxy is.
        var trustForwardedFor = TrustForwardedFor(settings);
        services.AddSingleton(AuthFailureThrottle.From(settings));
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = DefaultMaxBodyBytes;
            // How far Kestrel reads a body ahead of the handler, per connection (default 1 MB). Its buffers come from a
            // pinned pool that gives back only a few percent every 10 s once idle.
            o.Limits.MaxRequestBufferSize = RequestReadAheadBytes;
        });
        // The socket transport has a read-ahead of its own (default 1 MB per connection) in the same pinned pool, and it
        // is the one that counted: after 32 large bodies at once, 8,311 blocks (34 MB) stayed pinned 60 s later.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o =>
            o.MaxReadBufferSize = RequestReadAheadBytes);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | (trustForwardedFor ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None);
            // The router's addresses are not published; every request on a dyno comes through it. The router appends the
            // peer it saw to X-Forwarded-For, so with ForwardLimit 1 only that last entry counts, never one a client wrote.
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
            // The body is the surface's own error shape, written by the status-code pages; the header tells Heroku
            // and the SDKs when to come back. Whatever the request had begun was rolled back with its cancellation.
            WriteTimeoutResponse = http =>
            {
                http.Response.Headers.RetryAfter = TimedOutRetryAfterSeconds;
                return Task.CompletedTask;
            },
        });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.GetDuration("SHUTDOWN_TIMEOUT", TimeSpan.FromSeconds(25)));
        return services;
    }

    private static bool TrustForwardedFor(Settings settings) => settings.Optional(TrustForwardedForVariable)?.ToLowerInvariant() switch
    {
        null => settings.Optional("DYNO") is not null,
        "true" or "1" => true,
        "false" or "0" => false,
        var other => throw new InvalidOperationException($"{TrustForwardedForVariable} must be true or false, got '{other}'."),
    };

    public static IApplicationBuilder UseRouterRealities(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseHsts();
        return app;
    }
}
