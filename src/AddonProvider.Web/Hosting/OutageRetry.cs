using System.Diagnostics;
using AddonProvider.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// Retries a request whose database work failed transiently (a pooled connection that died with a restarted
/// PostgreSQL, a brief network cut), where running it again is safe:
/// <list type="bullet">
/// <item>GET and HEAD requests, which only read — unless the endpoint opts out with <see cref="Never"/>
/// (the legacy SSO GET spends a one-time token);</item>
/// <item>endpoints that opt in with <see cref="Idempotent"/> because a repeat cannot do anything twice
/// (the Partner API: a provision is keyed by Heroku's uuid, a plan change to the current plan and a repeated
/// deprovision change nothing).</item>
/// </list>
/// Each attempt runs in a fresh DI scope, so it gets a fresh DbContext; the request body is buffered so it can
/// be read again. Retries stop after two, after <see cref="Budget"/>, once the answer has started, or when the
/// client has gone; the error then reaches <see cref="DatabaseUnavailable"/>, which answers 503 + Retry-After.
/// Everything else (form posts, /v1 calls that count against rate limits) is never re-run.
/// </summary>
public sealed class OutageRetry(RequestDelegate next, IServiceScopeFactory scopes, ILogger<OutageRetry> logger)
{
    /// <summary>Endpoint metadata: a repeat of this request is harmless even when it is not a GET.</summary>
    public static readonly object Idempotent = new Marker(true);

    /// <summary>Endpoint metadata: never re-run this request, even though it is a GET.</summary>
    public static readonly object Never = new Marker(false);

    public static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250)];

    /// <summary>No retry starts later than this after the first attempt began; the router's 30 s stays far away.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    private sealed record Marker(bool Retry);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsSafeToRepeat(http))
        {
            await next(http);
            return;
        }

        http.Request.EnableBuffering();
        var started = Stopwatch.GetTimestamp();
        var headers = http.Response.Headers.ToArray(); // what earlier middleware set (request id, security headers)
        var requestServices = http.RequestServices;
        for (var attempt = 0; ; attempt++)
        {
            AsyncServiceScope? scope = attempt == 0 ? null : scopes.CreateAsyncScope();
            if (scope is { } s) http.RequestServices = s.ServiceProvider;
            try
            {
                await next(http);
                return;
            }
            catch (Exception e) when (attempt < Backoff.Length && DatabaseUnavailable.IsOutage(e) && !http.Response.HasStarted
                                      && !http.RequestAborted.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < Budget)
            {
                logger.LogWarning("Transient database failure ({Error}); retrying the request (attempt {Attempt})", e.GetType().Name, attempt + 2);
                // Npgsql cannot tell that an idle pooled connection died with the server; drop them so the retry dials afresh.
                ClearPool(http.RequestServices);
                http.Response.Clear();
                foreach (var (name, value) in headers) http.Response.Headers[name] = value;
                http.Request.Body.Position = 0;
            }
            finally
            {
                http.RequestServices = requestServices;
                if (scope is { } used) await used.DisposeAsync();
            }
            await Task.Delay(Backoff[attempt], http.RequestAborted);
        }
    }

    private static bool IsSafeToRepeat(HttpContext http)
    {
        var marker = http.GetEndpoint()?.Metadata.GetMetadata<Marker>();
        if (marker is not null) return marker.Retry;
        return HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
    }

    private static void ClearPool(IServiceProvider services)
    {
        var connection = services.GetRequiredService<AddonDbContext>().Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql) NpgsqlConnection.ClearPool(npgsql);
    }
}

public static class OutageRetryExtensions
{
    /// <summary>Place after routing and authorization (the endpoint is known), before the endpoints run.</summary>
    public static IApplicationBuilder UseOutageRetry(this IApplicationBuilder app) => app.UseMiddleware<OutageRetry>();

    public static TBuilder RetriedOnOutage<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OutageRetry.Idempotent);

    public static TBuilder NeverRetried<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OutageRetry.Never);
}
