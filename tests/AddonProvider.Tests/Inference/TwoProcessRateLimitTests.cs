using System.Diagnostics;
using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// Two real server processes (the built AddonProvider.Web.dll, started twice) on one database, like two web dynos:
/// together they admit exactly the model's requests/min.
/// </summary>
public sealed class TwoProcessRateLimitTests(InferenceFixture app, ITestOutputHelper output) : IClassFixture<InferenceFixture>
{
    [Fact]
    public async Task TwoServerProcesses_TogetherAdmitExactlyTheModelsLimit()
    {
        await using var first = await ServerProcess.StartAsync(app.ConnectionString);
        await using var second = await ServerProcess.StartAsync(app.ConnectionString);
        var (id, key) = await app.KeyAsync("amazon-rerank-1-0"); // 200 requests per minute
        var request = new { model = "amazon-rerank-1-0", query = "scale dynos", documents = new[] { "scale your dynos", "backups", "logs" } };

        var clock = Stopwatch.StartNew();
        var perServer = await Task.WhenAll(
            HammerAsync(first.Client, key, request, total: 130, concurrency: 8),
            HammerAsync(second.Client, key, request, total: 130, concurrency: 8));
        clock.Stop();

        var ok = perServer.Sum(s => s.Ok);
        var limited = perServer.Sum(s => s.Limited);
        output.WriteLine($"process 1: {perServer[0].Ok} admitted, {perServer[0].Limited} refused; process 2: {perServer[1].Ok} admitted, {perServer[1].Limited} refused; {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), "the burst must fit in one window for the count to mean anything");
        Assert.Equal(200, ok);
        Assert.Equal(60, limited);
        Assert.All(perServer, s => Assert.True(s.Ok > 0, "each process admitted some"));
        Assert.Equal(0, perServer.Sum(s => s.Other));

        await using var db = app.Db();
        Assert.Equal(200, await db.InferenceRateEvents.CountAsync(e => e.ResourceId == id));
        Assert.Equal(200, (await db.InferenceUsageDays.SingleAsync(u => u.ResourceId == id)).Requests);
    }

    private sealed record Tally(int Ok, int Limited, int Other);

    private static async Task<Tally> HammerAsync(HttpClient client, string key, object request, int total, int concurrency)
    {
        int ok = 0, limited = 0, other = 0, next = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                using var response = await client.SendAsync(InferenceFixture.Call(key, "/v1/rerank", request));
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK: Interlocked.Increment(ref ok); break;
                    case HttpStatusCode.TooManyRequests: Interlocked.Increment(ref limited); break;
                    default: Interlocked.Increment(ref other); break;
                }
            }
        }));
        return new Tally(ok, limited, other);
    }

    /// <summary>`dotnet AddonProvider.Web.dll --urls … --environment Development` with DATABASE_URL set: a separate OS process.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        public HttpClient Client { get; }

        private ServerProcess(Process process, Uri address)
        {
            _process = process;
            Client = new HttpClient { BaseAddress = address };
        }

        public static async Task<ServerProcess> StartAsync(string connectionString)
        {
            var port = PostgresServer.FreePort();
            var dll = Path.Combine(AppContext.BaseDirectory, "AddonProvider.Web.dll");
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--environment", "Development" }) psi.ArgumentList.Add(a);
            psi.Environment["DATABASE_URL"] = PostgresServer.ToUrl(connectionString);
            psi.Environment["PUBLIC_BASE_URL"] = AppFixture.PublicBaseUrl;
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(psi)!;
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
            try
            {
                await Eventually(async () =>
                {
                    if (process.HasExited)
                        throw new InvalidOperationException($"the server process exited with {process.ExitCode}: {string.Join("\n", output.TakeLast(30))}");
                    try
                    {
                        using var live = await server.Client.GetAsync("/health/live");
                        return live.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException) { return false; }
                }, because: $"the server process on port {port} to answer /health/live", timeout: TimeSpan.FromSeconds(90), // a cold start on a busy 2-core box
                    state: () => Task.FromResult(string.Join("\n", output.TakeLast(30))));
                return server;
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
