using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace AddonProvider.Simulator;

public sealed record LoadOptions(Uri Target, int Count, int Concurrency, bool Grant, IReadOnlyList<(string Product, string Plan)> Plans, int Warmup)
{
    /// <summary><c>[--target url] [--n 10000] [--c 16] [--grant] [--plans product:plan,...] [--warmup 500]</c></summary>
    public static LoadOptions From(CommandLine o, string providerUrl) => new(
        new Uri(o.Get("target") ?? providerUrl.TrimEnd('/') + "/"), o.Int("n", 10000), o.Int("c", 16), o.Has("grant"),
        o.Get("plans") is { } p ? LoadCommand.ParsePlans(p) : LoadCommand.DefaultPlans, o.Int("warmup", 500));
}

/// <param name="Answered2xx">The uuids of the measured phase the provider answered 2xx with the same id: what a row check verifies.</param>
public sealed record LoadResult(int Requests, double Seconds, double RequestsPerSecond, double P50Ms, double P99Ms, int Errors, int Accepted,
    IReadOnlyList<Guid> Answered2xx)
{
    public override string ToString() =>
        $"requests: {Requests}  time: {Seconds:0.00}s  requests/s: {RequestsPerSecond:0.0}  p50: {P50Ms:0.00} ms  p99: {P99Ms:0.00} ms  errors: {Errors}  (202: {Accepted})";
}

/// <summary>
/// Provisions N resources at concurrency C against a running provider and reports throughput and latency. Checks
/// what HTTP shows: every answer is a 2xx naming the uuid that was sent. (Whether each has its committed row is
/// the test-side harness's <c>load</c>, which reads the database.)
/// </summary>
public static class LoadCommand
{
    public static readonly IReadOnlyList<(string, string)> DefaultPlans =
        [("mobiloud", "test"), ("kafkacluster", "free"), ("inference", "cohere-rerank-3-5")];

    public static async Task<LoadResult> RunAsync(LoadOptions o, TextWriter output)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        { BaseAddress = o.Target, Timeout = TimeSpan.FromSeconds(30) };
        var client = new ProviderClient(http);
        output.WriteLine($"load: {o.Count} provisions at concurrency {o.Concurrency}, grant: {(o.Grant ? "yes" : "no")}, plans: {string.Join(",", o.Plans.Select(p => $"{p.Product}:{p.Plan}"))}, target {o.Target}");

        if (o.Warmup > 0) await RunPhaseAsync(client, o, o.Warmup, null);
        var latencies = new long[o.Count];
        var ok = new ConcurrentBag<Guid>();
        var stopwatch = Stopwatch.StartNew();
        var (errors, accepted) = await RunPhaseAsync(client, o, o.Count, (i, ticks, id) => { latencies[i] = ticks; if (id is { } g) ok.Add(g); });
        stopwatch.Stop();

        Array.Sort(latencies);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var result = new LoadResult(o.Count, seconds, o.Count / seconds, Ms(latencies[(int)(o.Count * 0.50)]), Ms(latencies[Math.Min(o.Count - 1, (int)(o.Count * 0.99))]),
            errors, accepted, ok.ToArray());
        output.WriteLine(result);
        return result;
    }

    private static async Task<(int Errors, int Accepted)> RunPhaseAsync(ProviderClient client, LoadOptions o, int count, Action<int, long, Guid?>? record)
    {
        var next = -1;
        var errors = 0;
        var accepted = 0;
        var workers = Enumerable.Range(0, o.Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var (product, plan) = o.Plans[i % o.Plans.Count];
                var uuid = Guid.NewGuid();
                var body = ProviderClient.ProvisionBody(uuid, product, plan, "amazon-web-services::us-east-1", o.Grant);
                var start = Stopwatch.GetTimestamp();
                Guid? answered = null;
                try
                {
                    using var response = await client.ProvisionAsync(product, body);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode && JsonDocument.Parse(text).RootElement.GetProperty("id").GetString() == uuid.ToString())
                    {
                        answered = uuid;
                        if ((int)response.StatusCode == 202) Interlocked.Increment(ref accepted);
                    }
                    else Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    Interlocked.Increment(ref errors);
                }
                record?.Invoke(i, Stopwatch.GetTimestamp() - start, answered);
            }
        }).ToList();
        await Task.WhenAll(workers);
        return (errors, accepted);
    }

    public static IReadOnlyList<(string, string)> ParsePlans(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':', 2) is [var product, var plan] ? (product, plan) : throw new ArgumentException($"--plans takes product:plan,..., got '{p}'"))
            .ToList();
}
