using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Hosting;

public sealed class RouterTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task ForwardedProtoHttps_TurnsOnHsts_PlainHttpDoesNot()
    {
        var viaRouter = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        viaRouter.Headers.Add("X-Forwarded-Proto", "https");
        viaRouter.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var response = await app.Client.SendAsync(viaRouter);
        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());

        var direct = await app.Client.GetAsync("/health/live");
        Assert.False(direct.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task DashboardPaths_CarryAContentSecurityPolicy()
    {
        var response = await app.Client.GetAsync($"/dashboard/{Guid.NewGuid()}");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var scripts = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src"));
        Assert.StartsWith("script-src 'self'", scripts);
        Assert.DoesNotContain("unsafe", scripts);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task HostileRequestId_IsReplacedNotEchoed()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "<script>alert(1)</script>");
        var response = await app.Client.SendAsync(request);
        Assert.DoesNotContain("<", response.Headers.GetValues("X-Request-Id").Single());
    }
}

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_FinishesTheInFlightRequest_AndRefusesNewConnections()
    {
        var server = await PostgresServer.GetAsync();
        var db = await server.CreateDatabaseAsync();
        await using var built = AppFixture.BuildApp(db, new Dictionary<string, string?> { ["role"] = "web" });
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        built.MapGet("/test/slow", async () =>
        {
            entered.SetResult();
            await release.Task; // deliberately ignores cancellation, like a handler mid-commit
            return Results.Ok("finished");
        });
        await built.StartAsync();
        var address = AppFixture.AddressOf(built);
        using var client = new HttpClient { BaseAddress = address };

        var inFlight = client.GetAsync("/test/slow");
        await Eventually(entered.Task, because: "the slow request to reach its handler");
        var stopping = built.StopAsync(); // what SIGTERM triggers

        // Stopping has closed the listener while the request is still held: new connections are refused ...
        await Eventually(async () => !await AcceptsConnectionsAsync(address), because: "the stopping server to refuse new connections");
        Assert.False(stopping.IsCompleted, "the stop waits for the in-flight request");
        Assert.False(inFlight.IsCompleted);
        // ... and the held request, once its handler finishes, still gets its answer.
        release.SetResult();
        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("finished", await response.Content.ReadAsStringAsync());
        await stopping;
        Assert.False(await AcceptsConnectionsAsync(address));
    }

    private static async Task<bool> AcceptsConnectionsAsync(Uri address)
    {
        using var fresh = new HttpClient { Timeout = TimeSpan.FromSeconds(3) }; // a new connection, not the held one
        try
        {
            using var response = await fresh.GetAsync(new Uri(address, "/health/live"));
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
