using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AddonProvider.Benchmarks.Inference;

/// <summary>
/// Rerank requests/s at 16 connections against a running server: the built AddonProvider.Web.dll started as its
/// own process (like a dyno) on DATABASE_URL, driven from this process. Every request goes through the key look-up,
/// the PostgreSQL rate-window admission (all on one resource, so one advisory lock) and the usage upsert.
/// </summary>
public sealed class RerankThroughputBenchmark : IBenchmark
{
    public string Name => "rerank-throughput";
    public string Description => "POST /v1/rerank requests/s at 16 connections against a server process (needs DATABASE_URL); args: [seconds] [documents] [resources]";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0]) : 20;
        var documentCount = args.Length > 1 ? int.Parse(args[1]) : 20;
        var resources = args.Length > 2 ? int.Parse(args[2]) : 1; // 1: every request on one resource's window and counters
        const int connections = 16;
        await BenchServer.MigrateAsync();

        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "AddonProvider.Web.dll"), "--urls", $"http://127.0.0.1:{port}", "--environment", "Development" })
            psi.ArgumentList.Add(a);
        psi.Environment["DATABASE_URL"] = BenchServer.DatabaseUrl;
        psi.Environment["INFERENCE_RATE_LIMIT_SCALE"] = "10000"; // the limiter runs on every request; its limit just does not stop the benchmark
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        using var server = Process.Start(psi)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitLiveAsync(client);
            var keys = new string[resources];
            for (var i = 0; i < resources; i++) keys[i] = await BenchServer.ProvisionKeyAsync(client, "cohere-rerank-3-5");
            var documents = BenchServer.Documents(documentCount, 50);
            var query = string.Join(' ', documents[documentCount / 2].Split(' ').Take(5));
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { model = "cohere-rerank-3-5", query, documents, top_n = 5 }));
            Console.WriteLine($"# server pid {server.Id}, {connections} connections, {documentCount} documents of 50 words per request ({body.Length} bytes), {resources} resource(s), {seconds} s");

            await DriveAsync(client, keys, body, connections, TimeSpan.FromSeconds(5)); // warm-up
            var (ok, other, latencies) = await DriveAsync(client, keys, body, connections, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"requests: {ok} ok, {other} not ok in {seconds} s → {ok / (double)seconds:F0} requests/s");
            Console.WriteLine(Stats.Summary("latency at 16 connections", latencies));
            return other == 0 ? 0 : 1;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<(int Ok, int Other, List<double> Ms)> DriveAsync(HttpClient client, string[] keys, byte[] body, int connections, TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWorker = await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            var key = keys[worker % keys.Length];
            int ok = 0, other = 0;
            var ms = new List<double>();
            while (Stopwatch.GetTimestamp() < until)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/rerank") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.OK) ok++; else other++;
            }
            return (ok, other, ms);
        }));
        return (perWorker.Sum(w => w.ok), perWorker.Sum(w => w.other), perWorker.SelectMany(w => w.ms).ToList());
    }

    private static async Task WaitLiveAsync(HttpClient client)
    {
        for (var i = 0; i < 300; i++)
        {
            try { if ((await client.GetAsync("/health/live")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("the server did not start");
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
