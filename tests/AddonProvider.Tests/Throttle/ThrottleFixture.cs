using System.Collections.Concurrent;
using AddonProvider.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AddonProvider.Tests.Throttle;

/// <summary>
/// The web app as it runs behind Heroku's router (X-Forwarded-For trusted, as on a dyno), counting its database
/// commands and keeping its log lines. Each test sends from its own client address, so the throttle's windows of
/// one test never meet another's.
/// </summary>
public sealed class ThrottleFixture : AdminFixture
{
    public const int Limit = 30; // AUTH_FAILURE_LIMIT's default, which these tests exercise

    public CommandCounter Commands { get; } = new();
    public ConcurrentQueue<string> Logs { get; } = new();
    private int _addresses;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["TRUST_FORWARDED_FOR"] = "true",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        Commands.AddTo(services);
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
    }

    /// <summary>A client address no other test uses (TEST-NET-3).</summary>
    public string NewAddress() => $"203.0.113.{Interlocked.Increment(ref _addresses)}";

    public IEnumerable<string> ErrorLogs => Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
}

public static class ForwardedFor
{
    /// <summary>The request as the router delivers it from <paramref name="address"/>.</summary>
    public static HttpRequestMessage From(this HttpRequestMessage request, string address)
    {
        request.Headers.Add("X-Forwarded-For", address);
        return request;
    }
}
