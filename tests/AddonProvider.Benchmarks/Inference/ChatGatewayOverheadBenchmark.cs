using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Web;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Inference;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AddonProvider.Benchmarks.Inference;

/// <summary>
/// A streamed chat completion through our gateway vs. straight to the same in-benchmark upstream, interleaved in one
/// run: time to first token and time to <c>data: [DONE]</c>. The gateway path is the real one — key look-up
/// (cached), the PostgreSQL rate-window admission, the relay, the usage upsert.
/// </summary>
public sealed class ChatGatewayOverheadBenchmark : IBenchmark
{
    public string Name => "chat-gateway-overhead";
    public string Description => "streamed chat: gateway vs direct upstream, TTFT and total; target overhead p50 < 1 ms (needs DATABASE_URL)";

    private const int Chunks = 20;

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0]) : 300;
        await BenchServer.MigrateAsync();
        await using var upstream = await StartUpstreamAsync();
        var upstreamUrl = Address(upstream);

        await using var gateway = AddonProviderApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = BenchServer.DatabaseUrl,
            ["INFERENCE_UPSTREAM_QWEN3_235B_URL"] = upstreamUrl.ToString(),
            ["INFERENCE_RATE_LIMIT_SCALE"] = "1000", // the limiter still runs; its limit just does not stop the benchmark
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await gateway.StartAsync();
        var gatewayUrl = Address(gateway);

        using var client = new HttpClient();
        var key = await BenchServer.ProvisionKeyAsync(new HttpClient { BaseAddress = gatewayUrl }, "qwen3-235b");
        var body = JsonSerializer.Serialize(new { model = "qwen3-235b", stream = true, max_tokens = 100, messages = new[] { new { role = "user", content = "Hello!" } } });

        for (var i = 0; i < 30; i++) // warm-up: JIT, connection pools, the key cache
        {
            await MeasureAsync(client, new Uri(upstreamUrl, "v1/chat/completions"), null, body);
            await MeasureAsync(client, new Uri(gatewayUrl, "v1/chat/completions"), key, body);
        }

        List<double> directFirst = [], directTotal = [], viaFirst = [], viaTotal = [], diffFirst = [], diffTotal = [];
        for (var i = 0; i < iterations; i++)
        {
            // Alternate which goes first so neither path always meets a warmer machine.
            var gatewayFirst = i % 2 == 1;
            (double, double) d, g;
            if (gatewayFirst)
            {
                g = await MeasureAsync(client, new Uri(gatewayUrl, "v1/chat/completions"), key, body);
                d = await MeasureAsync(client, new Uri(upstreamUrl, "v1/chat/completions"), null, body);
            }
            else
            {
                d = await MeasureAsync(client, new Uri(upstreamUrl, "v1/chat/completions"), null, body);
                g = await MeasureAsync(client, new Uri(gatewayUrl, "v1/chat/completions"), key, body);
            }
            directFirst.Add(d.Item1); directTotal.Add(d.Item2); viaFirst.Add(g.Item1); viaTotal.Add(g.Item2);
            diffFirst.Add(g.Item1 - d.Item1); diffTotal.Add(g.Item2 - d.Item2);
        }

        Console.WriteLine($"# {Chunks} chunks per completion, {iterations} interleaved pairs");
        Console.WriteLine(Stats.Summary("direct: time to first token", directFirst));
        Console.WriteLine(Stats.Summary("gateway: time to first token", viaFirst));
        Console.WriteLine(Stats.Summary("direct: total (to [DONE])", directTotal));
        Console.WriteLine(Stats.Summary("gateway: total (to [DONE])", viaTotal));
        Console.WriteLine(Stats.Summary("overhead per pair: first token", diffFirst));
        Console.WriteLine(Stats.Summary("overhead per pair: total", diffTotal));
        Console.WriteLine(Stats.Summary("of which: rate-window admission", await AdmissionAsync(gateway, iterations)));
        var ttft = Stats.Percentile(viaFirst, 50) - Stats.Percentile(directFirst, 50);
        var total = Stats.Percentile(viaTotal, 50) - Stats.Percentile(directTotal, 50);
        Console.WriteLine($"overhead (p50 gateway - p50 direct): first token {ttft:F3} ms, total {total:F3} ms");
        Console.WriteLine($"target overhead p50 < 1 ms: first token {(ttft < 1 ? "MET" : "MISSED")}, total {(total < 1 ? "MET" : "MISSED")}");
        return 0;
    }

    /// <summary>The PostgreSQL admission alone (one round trip), measured in process on the same database.</summary>
    private static async Task<List<double>> AdmissionAsync(WebApplication gateway, int iterations)
    {
        var limiter = gateway.Services.GetRequiredService<InferenceRateLimiter>();
        var model = (await gateway.Services.GetRequiredService<CatalogCache>().GetAsync()).Model("qwen3-235b")!;
        var resource = Guid.NewGuid();
        await using (var setup = gateway.Services.CreateAsyncScope())
        {
            var db = setup.ServiceProvider.GetRequiredService<AddonDbContext>();
            // A resource row for the window's foreign key; the benchmark's own, never served.
            await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO resources (id, product_id, plan_slug, original_plan_slug, region, state, created_at, updated_at) VALUES ({resource}, 'inference', 'qwen3-235b', 'qwen3-235b', 'us', 'provisioned', now(), now())");
        }
        var ms = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AddonDbContext>();
            var started = Stopwatch.GetTimestamp();
            await limiter.AdmitAsync(db, resource, model, 200, default);
            ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return ms;
    }

    private static async Task<(double First, double Total)> MeasureAsync(HttpClient client, Uri url, string? key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double first = -1;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (line == "data: [DONE]") return (first, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (first < 0) first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        throw new InvalidOperationException("the stream ended without data: [DONE]");
    }

    private static async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var chunks = Enumerable.Range(0, Chunks)
            .Select(i => Encoding.UTF8.GetBytes($"data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3-235b\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"tok{i} \"}}}}]}}\n\n"))
            .ToArray();
        var usage = Encoding.UTF8.GetBytes("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3-235b\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":20,\"total_tokens\":25}}\n\n");
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body);
            var wantsUsage = doc.RootElement.TryGetProperty("stream_options", out var so) && so.TryGetProperty("include_usage", out var iu) && iu.GetBoolean();
            http.Response.ContentType = "text/event-stream";
            foreach (var chunk in chunks)
            {
                await http.Response.Body.WriteAsync(chunk);
                await http.Response.Body.FlushAsync();
            }
            if (wantsUsage) await http.Response.Body.WriteAsync(usage);
            await http.Response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        });
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
}
