using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Web;
using AddonProvider.Web.Provisioning;
using AddonProvider.Web.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// The service on a real Kestrel socket, over its own freshly migrated PostgreSQL database, with intent methods
/// that speak the way Heroku does. One per test class.
/// </summary>
public partial class AppFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://addons.example.test";

    private WebApplication? _app;

    public string ConnectionString { get; private set; } = "";
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public WebApplication App => _app!;

    /// <summary>Extra settings for this fixture (flat, environment-style names).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Test-only services (e.g. a recording job); production registrations still follow.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    /// <summary>The app's clock; a fixture that tests time windows replaces it with a <see cref="TestClock"/>.</summary>
    public virtual TimeProvider Clock { get; } = TimeProvider.System;

    /// <summary>Test-only endpoints, mapped before the app starts.</summary>
    protected virtual void ConfigureApp(WebApplication app) { }

    /// <summary>Runs on the migrated database before the app starts (e.g. to leave rows an older version wrote).</summary>
    protected virtual Task BeforeStartAsync(string connectionString) => Task.CompletedTask;

    public virtual async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        ConnectionString = await server.CreateDatabaseAsync();
        await BeforeStartAsync(ConnectionString);
        _app = BuildApp(ConnectionString, Settings, configureServices: ConfigureServices, clock: Clock);
        ConfigureApp(_app);
        await _app.StartAsync();
        BaseAddress = AddressOf(_app);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    /// <summary>Where a started instance listens (it was given port 0).</summary>
    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static WebApplication BuildApp(string connectionString, IDictionary<string, string?> settings, string environment = "Development",
        Action<IServiceCollection>? configureServices = null, TimeProvider? clock = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = PostgresServer.ToUrl(connectionString),
            ["PUBLIC_BASE_URL"] = PublicBaseUrl,
            ["JOBS_QUEUE_POLL_INTERVAL"] = "200ms",
            ["JOBS_OUTBOX_POLL_INTERVAL"] = "100ms",
            ["JOBS_WORKER_COUNT"] = "2",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings) config[k] = v;
        return AddonProviderApp.Build(["--urls", "http://127.0.0.1:0", "--environment", environment], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            if (clock is not null) b.Services.AddSingleton(clock);
            configureServices?.Invoke(b.Services);
        });
    }

    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        // Npgsql keeps a finished fixture's idle connections pooled for minutes; with many fixtures over a run they
        // reached the test cluster's max_connections ("too many clients") and failed the multi-process tests.
        // Clearing closes idle connections only; other fixtures' connections in use are untouched.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    public AddonDbContext Db() => new(new DbContextOptionsBuilder<AddonDbContext>().UseNpgsql(ConnectionString).Options);

    /// <summary>Opens a secret the app stored encrypted (a row read with <see cref="Db"/>), with the app's own key.</summary>
    public string Decrypt(string ciphertext) => App.Services.GetRequiredService<SecretBox>().Decrypt(ciphertext);

    /// <summary>The keyed hash under which the app stores a credential it looks up by value (an inference key).</summary>
    public byte[] LookupHash(string secret) => App.Services.GetRequiredService<SecretBox>().LookupHash(secret);

    public static string DevPassword(string product) => AddonCredentials.DevPassword(product);

    public HttpRequestMessage Partner(HttpMethod method, string path, object? body = null, string? product = null, string? password = null) =>
        PartnerRequest(method, path, body, product, password);

    /// <summary>A Partner API request as Heroku sends it, Basic auth with the product's (development) password unless told otherwise.</summary>
    public static HttpRequestMessage PartnerRequest(HttpMethod method, string path, object? body = null, string? product = null, string? password = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (product is not null)
        {
            var raw = Encoding.UTF8.GetBytes($"{product}:{password ?? DevPassword(product)}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }
        if (body is string s) request.Content = new StringContent(s, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public static object ProvisionBody(Guid uuid, string plan, string region = "amazon-web-services::us-east-1", object? options = null) => new
    {
        uuid,
        name = $"acme-{uuid.ToString()[..8]}",
        plan,
        region,
        callback_url = $"https://api.heroku.com/addons/{uuid}",
        options = options ?? new { },
        oauth_grant = (object?)null,
    };

    public Task<HttpResponseMessage> ProvisionAsync(string product, string plan, Guid? uuid = null, string region = "amazon-web-services::us-east-1", object? options = null) =>
        Client.SendAsync(Partner(HttpMethod.Post, "/heroku/resources", ProvisionBody(uuid ?? Guid.NewGuid(), plan, region, options), product));

    public Task<HttpResponseMessage> ChangePlanAsync(string product, Guid id, string plan) =>
        Client.SendAsync(Partner(HttpMethod.Put, $"/heroku/resources/{id}", new { plan }, product));

    public Task<HttpResponseMessage> DeprovisionAsync(string product, Guid id) =>
        Client.SendAsync(Partner(HttpMethod.Delete, $"/heroku/resources/{id}", null, product));

    /// <summary>Provisions and returns the parsed 200 body; fails the test otherwise.</summary>
    public async Task<(Guid Id, JsonElement Body)> ProvisionOkAsync(string product, string plan, object? options = null, string region = "us")
    {
        var uuid = Guid.NewGuid();
        using var response = await ProvisionAsync(product, plan, uuid, region, options);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"provision {product}:{plan} answered {(int)response.StatusCode}: {body}");
        return (uuid, body);
    }
}
