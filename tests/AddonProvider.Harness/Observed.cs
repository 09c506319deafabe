using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using AddonProvider.Simulator;

namespace AddonProvider.Harness;

/// <summary>One answer (or failure to answer) the client saw: when, what, how long.</summary>
public sealed record Attempt(double AtSeconds, string Op, string Outcome, double Ms);

/// <summary>Every attempt of a run, so a scenario can tell what the client saw before, during and after a fault.</summary>
public sealed class Observed
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    public ConcurrentQueue<Attempt> Attempts { get; } = new();
    public double Now => _clock.Elapsed.TotalSeconds;

    public void Add(string op, string outcome, double ms) => Attempts.Enqueue(new Attempt(Now, op, outcome, ms));

    public static string Summarize(IEnumerable<Attempt> attempts) =>
        string.Join(", ", attempts.GroupBy(a => a.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")) is { Length: > 0 } s ? s : "(none)";
}

/// <summary>
/// Sends a Partner API request the way Heroku does when a provider fails: the same uuid and the very same body,
/// again, after a backoff (honouring Retry-After) — on connection errors, timeouts, 5xx and 429 — until a 2xx
/// or a non-retryable 4xx, or until <see cref="GiveUpAfter"/>.
/// </summary>
public sealed class HerokuRetry(HttpClient http, Observed observed)
{
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Stop retrying at once when this says so (the service died and nothing will restart it).</summary>
    public Func<bool> Abandon { get; init; } = () => false;

    public sealed record Final(int Status, string Body, int Attempts);

    public async Task<Final> SendAsync(string op, HttpMethod method, string path, string product, string? json)
    {
        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            request.Headers.Authorization = ProviderClient.Basic(product);
            request.Headers.Accept.ParseAdd("application/vnd.heroku-addons+json; version=3");
            var t0 = Stopwatch.GetTimestamp();
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                observed.Add(op, status.ToString(), Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (status < 500 && status != 429) return new Final(status, body, attempt);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (HttpRequestException e)
            {
                observed.Add(op, e.HttpRequestError == HttpRequestError.ConnectionError ? "connection-refused" : "connection-lost", Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            catch (TaskCanceledException)
            {
                observed.Add(op, "timeout", Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            if (started.Elapsed > GiveUpAfter || Abandon()) return new Final(0, "gave up", attempt);
            var backoff = TimeSpan.FromMilliseconds(Math.Min(4000, 100 * Math.Pow(2, Math.Min(attempt, 6))) * (0.5 + Random.Shared.NextDouble()));
            await Task.Delay(retryAfter is { } ra && ra > backoff ? ra : backoff);
        }
    }

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);
}
