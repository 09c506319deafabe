using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AddonProvider.Tests.Hosting;

/// <summary>
/// Run alone, after the parallel tests: every fixture's DisposeAsync calls NpgsqlConnection.ClearAllPools(), which
/// also closes this app's idle connections, so a fixture finishing between a provision and the kill below left
/// "no pooled connections to kill" (seen in a full run once three more Heroku fixtures were added).
/// </summary>
[CollectionDefinition(nameof(DatabaseOutageTests), DisableParallelization = true)]
public sealed class DatabaseOutageCollection;

[Collection(nameof(DatabaseOutageTests))]
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
        _client = new HttpClient { BaseAddress = AppFixture.AddressOf(_app) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private Task<HttpResponseMessage> ProvisionAsync(Guid uuid) =>
        _client.SendAsync(AppFixture.PartnerRequest(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(uuid, "test"), "mobiloud"));

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
        await Eventually(async () => (await ProvisionAsync(during)).StatusCode == HttpStatusCode.OK, "provisioning to recover");
        await using var db = new Data.AddonDbContext(new DbContextOptionsBuilder<Data.AddonDbContext>().UseNpgsql(_direct).Options);
        Assert.Equal(1, await db.Resources.CountAsync(r => r.Id == during));
    }

    [Fact]
    public async Task DatabaseDown_EverySurfaceAnswers503InItsOwnShape_WithTheSameMessage()
    {
        const string message = "The service is briefly unavailable; nothing was changed. Please retry shortly.";
        using var inference = await _client.SendAsync(AppFixture.PartnerRequest(HttpMethod.Post, "/heroku/resources",
            AppFixture.ProvisionBody(Guid.NewGuid(), "cohere-rerank-3-5"), "inference"));
        var key = (await inference.ExpectAsync(HttpStatusCode.OK)).GetProperty("config").GetProperty("INFERENCE_KEY").GetString();

        _proxy.Cut();
        var partner = AppFixture.PartnerRequest(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"), "mobiloud");
        var admin = new HttpRequestMessage(HttpMethod.Get, "/admin/resources");
        admin.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminFixture.Token(Web.Admin.AdminRoles.Operator));
        foreach (var (surface, request) in new[] { ("partner", partner), ("admin", admin) })
        {
            request.Headers.Add("X-Request-Id", "outage-" + surface);
            using var response = await _client.SendAsync(request);
            var body = await response.ExpectAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("5", response.Headers.RetryAfter!.ToString());
            Assert.Equal((message, message), (body.GetProperty("message").GetString(), body.GetProperty("detail").GetString()));
            Assert.Equal("outage-" + surface, body.GetProperty("requestId").GetString());
        }

        using var rerank = new HttpRequestMessage(HttpMethod.Post, "/v1/rerank")
        {
            Headers = { Authorization = new("Bearer", key) },
            Content = System.Net.Http.Json.JsonContent.Create(new { model = "cohere-rerank-3-5", query = "q", documents = new[] { "d" } }),
        };
        using var v1 = await _client.SendAsync(rerank);
        var error = await v1.ExpectAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", v1.Headers.RetryAfter!.ToString());
        Assert.Equal("application/json", v1.Content.Headers.ContentType?.MediaType);
        Assert.Equal($$$"""{"error":{"code":503,"message":"{{{message}}}","type":"server_error"}}""", error.GetRawText());
    }

    /// <summary>What a PostgreSQL restart does to a warm pool: every idle connection is dead, and Npgsql only finds out on use.</summary>
    private async Task KillAppConnectionsAsync()
    {
        await using var conn = new NpgsqlConnection(_direct);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", conn);
        Assert.True((long)(await cmd.ExecuteScalarAsync())! > 0, "the app had no pooled connections to kill");
    }

    [Fact]
    public async Task PooledConnectionsKilled_IdempotentPartnerCallIsRetried_AndCommitsOnce()
    {
        await (await ProvisionAsync(Guid.NewGuid())).ExpectAsync(HttpStatusCode.OK);
        await KillAppConnectionsAsync();

        var uuid = Guid.NewGuid();
        await (await ProvisionAsync(uuid)).ExpectAsync(HttpStatusCode.OK); // not a 503: the dead connection was retried away

        await KillAppConnectionsAsync();
        await (await _client.SendAsync(AppFixture.PartnerRequest(HttpMethod.Delete, $"/heroku/resources/{uuid}", product: "mobiloud")))
            .ExpectAsync(HttpStatusCode.NoContent);
        await using var db = new Data.AddonDbContext(new DbContextOptionsBuilder<Data.AddonDbContext>().UseNpgsql(_direct).Options);
        Assert.Equal(1, await db.Resources.CountAsync(r => r.Id == uuid));
        Assert.Equal(Data.Entities.ResourceState.Deprovisioned, (await db.Resources.SingleAsync(r => r.Id == uuid)).State);
    }

    [Fact]
    public async Task PooledConnectionsKilled_ReadIsRetried()
    {
        await (await ProvisionAsync(Guid.NewGuid())).ExpectAsync(HttpStatusCode.OK);
        await KillAppConnectionsAsync();
        // The lookup reaches the database; a 404 (not a 503) shows the read ran again on a fresh connection.
        var response = await _client.GetAsync("/mobiloud/apps/no-such-app/config");
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "No app with this id");
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Request-Id").Single()), "headers set before the retry are kept");
    }

    [Fact]
    public async Task PooledConnectionsKilled_RequestThatIsNotSafeToRepeat_Gets503NotARetry()
    {
        var provisioned = await ProvisionAsync(Guid.NewGuid());
        await provisioned.ExpectAsync(HttpStatusCode.OK);
        await KillAppConnectionsAsync();

        // An SSO form post spends a one-time token, so it is never re-run: the customer sees a 503 and opens it again.
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["resource_id"] = Guid.NewGuid().ToString(), ["resource_token"] = "x",
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString() }); // well-formed and fresh, so it reaches the database
        var response = await _client.PostAsync("/sso/login", form);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.RetryAfter!.ToString());
    }
}
