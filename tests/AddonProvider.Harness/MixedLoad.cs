using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AddonProvider.Simulator;

namespace AddonProvider.Harness;

/// <summary>
/// Heroku and customers at once, for a duration: provisions (with OAuth grants, so the worker exchanges them and
/// KafkaCluster finishes asynchronously), plan changes, SSO logins, reranks with the issued inference keys and
/// deprovisions. Keeps every secret it was handed, for the logs scan.
/// </summary>
public sealed class MixedLoad(Stack stack, Observed observed)
{
    private sealed record Live(Guid Id, string Product, string? InferenceKey) { public int PlanFlips; }

    private readonly List<Live> _live = [];
    private readonly Lock _gate = new();
    public ConcurrentBag<(string Kind, string Value)> Secrets { get; } = [];
    public ConcurrentBag<Guid> Ids { get; } = [];
    public int Unexpected;

    private static readonly string[] Documents =
    [
        "Connection pooling reduces overhead by reusing existing database connections instead of creating new ones for each request.",
        "You can monitor application performance using built-in metrics and logging tools.",
        "Set max pool size based on your dyno count and expected concurrent queries to prevent connection exhaustion.",
        "Regular database backups are essential for disaster recovery planning.",
    ];

    public async Task RunAsync(TimeSpan duration, int concurrency, CancellationToken stop = default)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, AllowAutoRedirect = false, UseCookies = false })
        { BaseAddress = stack.ProviderUrl, Timeout = TimeSpan.FromSeconds(30) };
        var until = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            var n = 0;
            while (until.Elapsed < duration && !stop.IsCancellationRequested)
                await OneAsync(http, w, n++);
        }).ToList();
        await Task.WhenAll(workers);
    }

    private async Task OneAsync(HttpClient http, int worker, int n)
    {
        Live? pick;
        int live;
        lock (_gate) { live = _live.Count; pick = live == 0 ? null : _live[Random.Shared.Next(live)]; }
        var roll = Random.Shared.Next(100);
        // Keep a few hundred resources alive: provision more while there are few, deprovision more when there are many.
        var op = pick is null || roll < (live < 200 ? 35 : 15) ? "provision"
            : roll < 45 ? "rerank" : roll < 65 ? "sso" : roll < 80 ? "planchange" : "deprovision";
        if (op == "rerank" && pick!.InferenceKey is null) op = "sso";
        if (op == "deprovision" && live < 100) op = "sso";
        var t0 = Stopwatch.GetTimestamp();
        string outcome;
        try
        {
            outcome = op switch
            {
                "provision" => await ProvisionAsync(http, n),
                "rerank" => await RerankAsync(http, pick!),
                "sso" => await SsoAsync(http, pick!),
                "planchange" => await PlanChangeAsync(http, pick!),
                _ => await DeprovisionAsync(http, pick!),
            };
        }
        catch (HttpRequestException) { outcome = "connection-error"; }
        catch (TaskCanceledException) { outcome = "timeout"; }
        observed.Add(op, outcome, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }

    private async Task<string> ProvisionAsync(HttpClient http, int n)
    {
        var (product, plan) = LoadCommand.DefaultPlans[n % LoadCommand.DefaultPlans.Count];
        var uuid = Guid.NewGuid();
        stack.Simulator.State.Addons.GetOrAdd(uuid, id => new SimulatedAddon
        {
            Id = id, Product = product, AppId = HerokuSimulator.DeterministicGuid("app", id.ToString()),
            AppName = $"sim-app-{id.ToString()[..8]}", OwnerEmail = $"owner-{id.ToString()[..8]}@example.com",
        });
        var body = ProviderClient.ProvisionBody(uuid, product, plan, "amazon-web-services::us-east-1", grant: true);
        using var response = await new ProviderClient(http).ProvisionAsync(product, body);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (status is not (200 or 202)) { Interlocked.Increment(ref Unexpected); return status.ToString(); }
        string? key = null;
        if (JsonDocument.Parse(text).RootElement.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object)
            foreach (var p in config.EnumerateObject())
                if (p.Name.EndsWith("_PASSWORD") || p.Name.EndsWith("_KEY"))
                {
                    Secrets.Add((p.Name, p.Value.GetString()!));
                    if (p.Name == "INFERENCE_KEY") key = p.Value.GetString();
                }
        Ids.Add(uuid);
        lock (_gate) _live.Add(new Live(uuid, product, key));
        return status.ToString();
    }

    private async Task<string> RerankAsync(HttpClient http, Live r)
    {
        var key = r.InferenceKey!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/rerank")
        {
            Content = JsonContent(new { model = "cohere-rerank-3-5", query = "How do I optimize database connection pooling?", documents = Documents, top_n = 2 }),
        };
        request.Headers.Authorization = HerokuRetry.Bearer(key);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        // 429: the key's own rate limit, as designed; 401: the resource was deprovisioned meanwhile, its key revoked.
        bool gone;
        lock (_gate) gone = !_live.Contains(r);
        if (status is not (200 or 429) && !(status == 401 && gone)) Interlocked.Increment(ref Unexpected);
        return status.ToString();
    }

    private async Task<string> SsoAsync(HttpClient http, Live r)
    {
        var email = $"owner-{r.Id.ToString()[..8]}@example.com";
        var fields = SsoForm.Fields(r.Id, AddonSecrets.SsoSalt(r.Product), HerokuSimulator.DeterministicGuid("user", email), email, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var response = await http.PostAsync("sso/login", new FormUrlEncodedContent(fields));
        await response.Content.ReadAsStringAsync();
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [])
            if (cookie.Split(';')[0].Split('=', 2) is [var name, var value] && value.Length >= 16 && name != "heroku-nav-data") // nav-data is Heroku's public menu state
                Secrets.Add(("cookie " + name, value));
        foreach (var f in new[] { "resource_token", "user_scoped_resource_token" }) Secrets.Add(("sso " + f, fields[f]));
        var status = (int)response.StatusCode;
        // 302 into the dashboard; a deprovisioned-meanwhile resource is refused (403), which is correct.
        if (status is not (302 or 303 or 403)) Interlocked.Increment(ref Unexpected);
        return status.ToString();
    }

    private async Task<string> PlanChangeAsync(HttpClient http, Live r)
    {
        var plan = r.Product switch
        {
            "mobiloud" => Interlocked.Increment(ref r.PlanFlips) % 2 == 1 ? "starter" : "test",
            "inference" => Interlocked.Increment(ref r.PlanFlips) % 2 == 1 ? "standard" : "cohere-rerank-3-5",
            _ => "free",
        };
        using var response = await new ProviderClient(http).ChangePlanAsync(r.Product, r.Id, plan);
        await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        // 409/422: a KafkaCluster still provisioning, or a resource deprovisioned by another worker meanwhile.
        if (status >= 500) Interlocked.Increment(ref Unexpected);
        return status.ToString();
    }

    private async Task<string> DeprovisionAsync(HttpClient http, Live r)
    {
        lock (_gate) if (!_live.Remove(r)) return "skipped";
        using var response = await new ProviderClient(http).DeprovisionAsync(r.Product, r.Id);
        await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (status is not (200 or 204)) Interlocked.Increment(ref Unexpected);
        return status.ToString();
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
