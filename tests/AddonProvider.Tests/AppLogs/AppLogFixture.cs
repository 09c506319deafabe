using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using AddonProvider.Simulator;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AddonProvider.Tests.AppLogs;

/// <summary>
/// The app as a web-only process (tests play the worker), with the in-test SMTP server, the Heroku simulator playing
/// Logplex over real HTTP, a clock tests move, every log line captured (to look for leaked drain credentials), and the
/// inference limits scaled by 0.02 (cohere-rerank-3-5: 5 requests/min) so a test can reach them.
/// </summary>
public sealed class AppLogFixture : AdminFixture
{
    public HerokuSimulator.Running Simulator { get; private set; } = null!;
    public HttpClient SimulatorClient { get; private set; } = null!;
    public ConcurrentQueue<string> Logs { get; } = new();
    public TestClock TestClock { get; } = new(DateTimeOffset.UtcNow);
    public override TimeProvider Clock => TestClock;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["INFERENCE_RATE_LIMIT_SCALE"] = "0.02",
        ["HEROKU_API_URL"] = Simulator.BaseAddress.ToString(),
        ["HEROKU_ID_URL"] = Simulator.BaseAddress.ToString(),
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:Hangfire"] = "Warning",
        ["Logging:Console:LogLevel:Default"] = "Warning",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));

    public override async Task InitializeAsync()
    {
        Simulator = await HerokuSimulator.StartAsync("http://127.0.0.1:0", "http://127.0.0.1:1");
        SimulatorClient = new HttpClient { BaseAddress = Simulator.BaseAddress };
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SimulatorClient.Dispose();
        await Simulator.DisposeAsync();
    }

    /// <summary>A fresh drain at the simulated Logplex, as Heroku would put it in the provision request.</summary>
    public async Task<(string Token, string Url)> NewDrainAsync()
    {
        using var response = await SimulatorClient.PostAsync("/_logplex/drains", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("token").GetString()!, body.GetProperty("url").GetString()!);
    }

    /// <summary>What the simulated Logplex received for <paramref name="token"/>, read through its control API.</summary>
    public async Task<Received> ReceivedAsync(string token)
    {
        var body = await SimulatorClient.GetFromJsonAsync<JsonElement>($"/_logplex/{token}");
        var posts = body.GetProperty("posts").EnumerateArray().Select(p => new Post(p.GetProperty("msgCount").GetInt32(),
            p.GetProperty("frames").EnumerateArray().Select(f => f.GetString()!).ToList(), p.GetProperty("userAgent").GetString())).ToList();
        var rejections = body.GetProperty("rejections").EnumerateArray().Select(r => $"{r.GetProperty("status").GetInt32()} {r.GetProperty("reason").GetString()}").ToList();
        return new Received(posts, rejections);
    }

    public sealed record Post(int MsgCount, IReadOnlyList<string> Frames, string? UserAgent);

    public sealed record Received(IReadOnlyList<Post> Posts, IReadOnlyList<string> Rejections)
    {
        public IEnumerable<string> Frames => Posts.SelectMany(p => p.Frames);

        /// <summary>The MSG part of each frame (after "&lt;190&gt;1 TIMESTAMP host app PROCID - - ").</summary>
        public IEnumerable<string> Messages => Frames.Select(f => f.Split(' ', 8)[7]);
    }

    /// <summary>Provisions with <c>log_input_url</c> (or without it when null) and answers the id and the config vars.</summary>
    public async Task<(Guid Id, JsonElement Config)> ProvisionWithDrainAsync(string product, string plan, string? logInputUrl, object? options = null)
    {
        var uuid = Guid.NewGuid();
        var body = new Dictionary<string, object?>
        {
            ["uuid"] = uuid, ["name"] = $"acme-{uuid.ToString()[..8]}", ["plan"] = plan, ["region"] = "amazon-web-services::us-east-1",
            ["callback_url"] = $"https://api.heroku.com/addons/{uuid}", ["options"] = options ?? new { },
        };
        if (logInputUrl is not null) body["log_input_url"] = logInputUrl;
        using var response = await Client.SendAsync(Partner(HttpMethod.Post, "/heroku/resources", body, product));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"provision {product}:{plan} answered {(int)response.StatusCode}: {json}");
        return (uuid, json.GetProperty("config"));
    }

    /// <summary>Plays the worker's recurring shipping job once.</summary>
    public async Task ShipAsync()
    {
        if (await RunJobAsync(ShipLogsJob.Kind, "") is { } e) throw new Xunit.Sdk.XunitException($"the shipping job failed: {e}");
    }

    /// <summary>The web dyno's once-a-minute flush of rate-limit refusal counts, now.</summary>
    public Task<int> FlushRefusalsAsync() => App.Services.GetRequiredService<RateLimitRefusalFlush>().FlushOnceAsync(CancellationToken.None);
}
