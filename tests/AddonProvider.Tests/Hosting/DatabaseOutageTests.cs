using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AddonProvider.Tests.Hosting;

public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private TcpProxy _proxy = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _direct = "";

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _direct = await server.CreateDatabaseAsync();
        _proxy = new TcpProxy(server.Host, server.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(_direct) { Port = _proxy.Port, Timeout = 2 }.ConnectionString;
        // No worker here: its background polling would only add noise to an outage.
        _app = AppFixture.BuildApp(viaProxy, new Dictionary<string, string?> { ["role"] = "web" });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private Task<HttpResponseMessage> ProvisionAsync(Guid uuid) =>
        _client.SendAsync(new AppFixture().Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(uuid, "test"), "mobiloud"));

    [Fact]
    public async Task DatabaseDown_Answers503WithRetryAfter_ThenRecoversWithoutRestart()
    {
        await (await ProvisionAsync(Guid.NewGuid())).ExpectAsync(HttpStatusCode.OK);

        _proxy.Cut();
        var during = Guid.NewGuid();
        for (var i = 0; i < 5; i++)
        {
            var response = await ProvisionAsync(during);
            var message = await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "briefly unavailable");
            Assert.Equal("5", response.Headers.RetryAfter!.ToString());
            Assert.DoesNotContain("Npgsql", message);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/health/ready")).StatusCode);

        _proxy.Restore();
        // Heroku retries the same provision; it succeeds once the database is back, exactly once.
        await AppFixture.EventuallyAsync(async () => (await ProvisionAsync(during)).StatusCode == HttpStatusCode.OK, "provisioning to recover");
        await using var db = new Data.AddonDbContext(new DbContextOptionsBuilder<Data.AddonDbContext>().UseNpgsql(_direct).Options);
        Assert.Equal(1, await db.Resources.CountAsync(r => r.Id == during));
    }
}
