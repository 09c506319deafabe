using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AddonProvider.Data;
using Npgsql;

namespace AddonProvider.Simulator;

public sealed record LoadOptions(Uri Target, int Count, int Concurrency, bool Grant, IReadOnlyList<(string Product, string Plan)> Plans, int Warmup, string? DatabaseUrl);

public sealed record LoadResult(int Requests, double Seconds, double RequestsPerSecond, double P50Ms, double P99Ms, int Errors, int Accepted, int Missing, int Duplicated)
{
    public override string ToString() =>
        $"requests: {Requests}  time: {Seconds:0.00}s  requests/s: {RequestsPerSecond:0.0}  p50: {P50Ms:0.00} ms  p99: {P99Ms:0.00} ms  errors: {Errors}  (202: {Accepted})";
}

/// <summary>
/// Provisions N resources at concurrency C against a running provider and reports throughput and latency, then
/// checks in the database that every 2xx it saw has its committed row and that each resource exists once.
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
        var (missing, duplicated) = o.DatabaseUrl is null ? (-1, -1) : await VerifyAsync(o.DatabaseUrl, ok.ToArray());
        var result = new LoadResult(o.Count, seconds, o.Count / seconds, Ms(latencies[(int)(o.Count * 0.50)]), Ms(latencies[Math.Min(o.Count - 1, (int)(o.Count * 0.99))]),
            errors, accepted, missing, duplicated);
        output.WriteLine(result);
        output.WriteLine(o.DatabaseUrl is null
            ? "verify: skipped (no DATABASE_URL)"
            : $"verify: {ok.Count - missing} of {ok.Count} 2xx responses have their committed row; missing: {missing}; duplicated: {duplicated}");
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
                Guid? committed = null;
                try
                {
                    using var response = await client.ProvisionAsync(product, body);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode && JsonDocument.Parse(text).RootElement.GetProperty("id").GetString() == uuid.ToString())
                    {
                        committed = uuid;
                        if ((int)response.StatusCode == 202) Interlocked.Increment(ref accepted);
                    }
                    else Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    Interlocked.Increment(ref errors);
                }
                record?.Invoke(i, Stopwatch.GetTimestamp() - start, committed);
            }
        }).ToList();
        await Task.WhenAll(workers);
        return (errors, accepted);
    }

    /// <summary>Every id a 2xx answered must be a committed row, exactly once.</summary>
    private static async Task<(int Missing, int Duplicated)> VerifyAsync(string databaseUrl, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(DatabaseUrl.ToConnectionString(databaseUrl));
        await connection.OpenAsync();
        var found = new Dictionary<Guid, int>();
        foreach (var chunk in ids.Chunk(5000))
        {
            await using var cmd = new NpgsqlCommand("SELECT id, count(*) FROM resources WHERE id = ANY(@ids) GROUP BY id", connection);
            cmd.Parameters.AddWithValue("ids", chunk);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) found[reader.GetGuid(0)] = (int)reader.GetInt64(1);
        }
        return (ids.Count(id => !found.ContainsKey(id)), found.Values.Count(n => n > 1) + (ids.Length - ids.Distinct().Count()));
    }

    public static IReadOnlyList<(string, string)> ParsePlans(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':', 2) is [var product, var plan] ? (product, plan) : throw new ArgumentException($"--plans takes product:plan,..., got '{p}'"))
            .ToList();
}
