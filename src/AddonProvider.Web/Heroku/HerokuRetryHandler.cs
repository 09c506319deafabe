using System.Net;

namespace AddonProvider.Web.Heroku;

/// <summary>
/// Retries Heroku's 429 and 5xx answers a bounded number of times, waiting as long as Retry-After asks.
/// A wait longer than HEROKU_API_MAX_RETRY_DELAY is not slept here: the answer goes back to the job, which
/// fails and is retried by Hangfire later, so no worker thread sits idle for minutes.
/// </summary>
public sealed class HerokuRetryHandler(HerokuOptions options, TimeProvider clock, ILogger<HerokuRetryHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        // Buffer the body once so every attempt can send it again.
        if (request.Content is not null) await request.Content.LoadIntoBufferAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, ct);
            if (!IsTransient(response.StatusCode) || attempt >= options.MaxAttempts) return response;

            var delay = RetryDelay(response, attempt);
            if (delay > options.MaxRetryDelay) return response;
            logger.LogInformation("Heroku answered {Status} to {Method} {Path}; attempt {Attempt} of {Max}, retrying in {Delay} ms",
                (int)response.StatusCode, request.Method, request.RequestUri?.AbsolutePath, attempt, options.MaxAttempts, (int)delay.TotalMilliseconds);
            response.Dispose();
            await Task.Delay(delay, clock, ct);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan RetryDelay(HttpResponseMessage response, int attempt)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            if (retryAfter.Date is { } date)
                return date - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        // No hint: exponential backoff with jitter, 0.5 s, 1 s, 2 s, ...
        var baseMs = 500 * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(baseMs * (0.8 + Random.Shared.NextDouble() * 0.4));
    }
}
