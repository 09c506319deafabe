using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AddonProvider.Migrations;
using AddonProvider.Web;
using AddonProvider.Web.Provisioning;
using AddonProvider.Web.Sso;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Benchmarks;

/// <summary>
/// POST /sso/login throughput: every request a fresh, valid user-scoped token (a distinct user, so the replay guard
/// inserts each time) and, as Heroku's form carries, the resource token beside it — the same for every login in
/// that second, so the guard's record of it conflicts and must not refuse anyone — over N keep-alive connections. Client and server share this process and its cores, so the
/// figure is a floor for the server alone. Target (issue 3): at least 1,000 logins/s at 16 connections.
/// </summary>
public sealed class SsoLoginBenchmark : IBenchmark
{
    public string Name => "sso-login";
    public string Description => "POST /sso/login logins/s at N connections (DATABASE_URL required) [--seconds 10] [--connections 16]";

    public async Task<int> RunAsync(string[] args)
    {
        var databaseUrl = Environment.GetEnvironmentVariable("DATABASE_URL");
        if (string.IsNullOrEmpty(databaseUrl))
        {
            Console.Error.WriteLine("DATABASE_URL must point at a PostgreSQL database this benchmark may migrate and fill.");
            return 2;
        }
        var seconds = Arg(args, "--seconds", 10);
        var connections = Arg(args, "--connections", 16);
        await Migrator.MigrateAsync(Data.DatabaseUrl.ToConnectionString(databaseUrl));

        var app = AddonProviderApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var salt = app.Services.GetRequiredService<AddonCredentials>().For("mobiloud")!.SsoSalt;

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = connections }) { BaseAddress = baseAddress };
        var resourceId = Guid.NewGuid();
        var provision = new HttpRequestMessage(HttpMethod.Post, "/heroku/resources")
        {
            Content = new StringContent($$"""{"uuid":"{{resourceId}}","plan":"starter","region":"amazon-web-services::us-east-1","name":"bench"}""", Encoding.UTF8, "application/json"),
        };
        provision.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"mobiloud:{AddonCredentials.DevPassword("mobiloud")}")));
        (await http.SendAsync(provision)).EnsureSuccessStatusCode();

        var run = Guid.NewGuid().ToString("N")[..8];
        var counter = 0L;
        FormUrlEncodedContent NextLogin()
        {
            var n = Interlocked.Increment(ref counter);
            var user = $"bench-{run}-{n}";
            var email = $"{user}@example.com";
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            return new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["resource_id"] = resourceId.ToString(), ["timestamp"] = ts, ["user_id"] = user, ["email"] = email, ["nav-data"] = "eyJhcHAiOiJiZW5jaCJ9",
                ["user_scoped_resource_token"] = SsoTokens.Compute(SsoTokenKind.UserScoped, resourceId.ToString(), salt, ts, user, email),
                ["resource_token"] = SsoTokens.Compute(SsoTokenKind.Resource, resourceId.ToString(), salt, ts),
            });
        }

        async Task<(long Ok, long Failed, List<double> Latencies)> Drive(TimeSpan duration)
        {
            var stop = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, connections).Select(async _ =>
            {
                long ok = 0, failed = 0;
                var latencies = new List<double>();
                while (stop.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsync("/sso/login", NextLogin());
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode == HttpStatusCode.Redirect) ok++; else failed++;
                }
                return (ok, failed, latencies);
            }).ToList();
            var results = await Task.WhenAll(workers);
            return (results.Sum(r => r.ok), results.Sum(r => r.failed), results.SelectMany(r => r.latencies).ToList());
        }

        await Drive(TimeSpan.FromSeconds(3)); // warm-up: JIT, connection pools, Data Protection key ring
        var (okCount, failedCount, all) = await Drive(TimeSpan.FromSeconds(seconds));
        all.Sort();
        double P(double q) => all.Count == 0 ? 0 : all[(int)Math.Min(all.Count - 1, q * all.Count)];
        var rate = okCount / (double)seconds;
        Console.WriteLine($"connections: {connections}, duration: {seconds} s");
        Console.WriteLine($"logins: {okCount} ok (302), {failedCount} failed");
        Console.WriteLine($"throughput: {rate:F0} logins/s");
        Console.WriteLine($"latency ms: p50 {P(0.50):F1}, p90 {P(0.90):F1}, p99 {P(0.99):F1}, max {all.LastOrDefault():F1}");
        Console.WriteLine($"target >= 1000 logins/s at 16 connections: {(connections == 16 && rate >= 1000 && failedCount == 0 ? "MET" : connections == 16 ? "MISSED" : "n/a (not 16 connections)")}");
        await app.StopAsync();
        return failedCount == 0 ? 0 : 1;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }
}
