using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Simulator;
using AddonProvider.Web.Provisioning;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// The service plus the Heroku simulator, each on its own real Kestrel socket; HEROKU_API_URL and HEROKU_ID_URL
/// point at the simulator, so every OAuth and Platform API call crosses real HTTP.
/// </summary>
public class HerokuFixture : AppFixture
{
    public HerokuSimulator.Running Simulator { get; private set; } = null!;
    public SimulatorState Heroku => Simulator.State;

    /// <summary>Everything the service logged, at every level (see <see cref="CapturingLoggerProvider"/>).</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = new Dictionary<string, string?>
            {
                ["HEROKU_API_URL"] = Simulator.BaseAddress.ToString(),
                ["HEROKU_ID_URL"] = Simulator.BaseAddress.ToString(),
                ["HEROKU_API_MAX_RETRY_DELAY"] = "5s",
                // Trace everywhere so the token-leak test sees what a verbose production log would; the console stays quiet.
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace", // appsettings.json quiets it; this test wants it loud
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
                ["Logging:LogLevel:Hangfire"] = "Warning", // Hangfire logs through one process-wide provider: keep it quiet across fixtures
                ["Logging:Console:LogLevel:Default"] = "Warning",
            };
            foreach (var (k, v) in ExtraSettings) s[k] = v;
            return s;
        }
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));

    public override async Task InitializeAsync()
    {
        // The provider's URL is only needed for SSO links, which these tests don't follow. Heroku issues the OAuth
        // client secret the app is configured with: the simulator asks the app's settings when a token is requested.
        Simulator = await HerokuSimulator.StartAsync("http://127.0.0.1:0", "http://127.0.0.1:1",
            oauthSecret: product => App.Services.GetRequiredService<AddonProvider.Web.Heroku.OAuthClientSecrets>().For(product));
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("ADDONPROVIDER_TEST_LOG_DIR") is { Length: > 0 } dir)
        {
            await using var db = Db();
            var outbox = await db.Outbox.AsNoTracking().OrderBy(m => m.Id).Select(m => $"{m.Id} {m.Kind} {m.Argument} created={m.CreatedAt:O} dispatched={m.DispatchedAt:O}").ToListAsync();
            var jobs = await db.Database.SqlQueryRaw<string>("SELECT id || ' ' || statename || ' ' || coalesce(invocationdata::text,'') || ' ' || createdat AS \"Value\" FROM hangfire.job ORDER BY id").ToListAsync();
            // Several test classes share this fixture type (one instance each): the database name tells their logs apart.
            var database = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database;
            await File.WriteAllLinesAsync(Path.Combine(dir, $"{GetType().Name}-{database}.log"),
                Logs.Where(l => !l.StartsWith("Trace") && !l.StartsWith("Debug")).Concat(["== outbox"]).Concat(outbox).Concat(["== jobs"]).Concat(jobs));
        }
        await base.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    public static object ProvisionBodyWithGrant(Guid uuid, string product, string plan, IDictionary<string, string>? options = null) =>
        ProviderClient.ProvisionBody(uuid, product, plan, "amazon-web-services::us-east-1", grant: true, options);

    public Task<HttpResponseMessage> ProvisionWithGrantAsync(string product, string plan, Guid uuid, IDictionary<string, string>? options = null) =>
        Client.SendAsync(Partner(HttpMethod.Post, "/heroku/resources", ProvisionBodyWithGrant(uuid, product, plan, options), product));

    /// <summary>Runs a job in-process, the way a worker would, outside Hangfire.</summary>
    public async Task RunJobAsync(string kind, string argument)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<JobRunner>().RunAsync(kind, argument, CancellationToken.None);
    }

    public async Task<ResourceState> StateAsync(Guid id)
    {
        await using var db = Db();
        return (await db.Resources.AsNoTracking().SingleAsync(r => r.Id == id)).State;
    }

    public Task WaitForStateAsync(Guid id, ResourceState state, TimeSpan? timeout = null) =>
        Eventually(async () => await StateAsync(id) == state, $"resource {id} to become {state}", timeout);

    /// <summary>
    /// Provisions with a grant and waits until the tokens are stored and the first owner-email and access-list reads are done, so no
    /// background call for the resource is still on its way.
    /// </summary>
    public async Task<Guid> ProvisionWithTokensAsync(string product = "mobiloud", string plan = "test")
    {
        var id = Guid.NewGuid();
        using var response = await ProvisionWithGrantAsync(product, plan, id);
        Assert.True(response.IsSuccessStatusCode, $"provision {product}:{plan} answered {(int)response.StatusCode}");
        await Eventually(async () =>
        {
            await using var db = Db();
            return await db.Resources.AnyAsync(r => r.Id == id && r.OwnerEmailRefreshedAt != null)
                && await db.AccessLists.AnyAsync(l => l.ResourceId == id && l.LastAttemptAt != null);
        }, $"the owner email and the user access list of {id} to be read after the grant exchange");
        return id;
    }

    /// <summary>The highest sequence number the simulated Heroku has handed out so far (0 before any call).</summary>
    public long LastCallSeq => Heroku.Calls.Select(c => c.Seq).DefaultIfEmpty(0).Max();

    /// <summary>Waits until the simulated Heroku has recorded a call matching <paramref name="match"/>.</summary>
    public Task WaitForCallAsync(Func<RecordedCall, bool> match, string what, TimeSpan? timeout = null) =>
        Eventually(() => Heroku.Calls.Any(match), what, timeout);
}

/// <summary>Keeps every formatted log line (with its exception) so tests can look for leaked secrets.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
