using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
        built.MapGet("/test/slow", async () =>
        {
            entered.SetResult();
            await Task.Delay(1500); // deliberately ignores cancellation, like a handler mid-commit
            return Results.Ok("finished");
        });
        await built.StartAsync();
        var address = built.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        var inFlight = client.GetAsync("/test/slow");
        await entered.Task;
        var stopping = built.StopAsync(); // what SIGTERM triggers

        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("finished", await response.Content.ReadAsStringAsync());
        await stopping;
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => new HttpClient { Timeout = TimeSpan.FromSeconds(3) }.GetAsync(new Uri(new Uri(address), "/health/live")));
        Assert.True(refused is HttpRequestException or TaskCanceledException, refused.ToString());
    }
}
