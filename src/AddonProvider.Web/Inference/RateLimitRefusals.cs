using System.Collections.Concurrent;
using System.Globalization;
using AddonProvider.Data;
using AddonProvider.Web.AppLogs;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Counts /v1 requests refused by the rate limit, per resource and model, in this process's memory (a refusal is a hot
/// path: no database write per request), and turns them into one app-log line per resource per minute with the counts
/// (<see cref="RateLimitRefusalFlush"/>). Each web dyno flushes its own counts, so with several dynos an app may see one
/// line per dyno per minute; a process that dies loses at most its last minute of counts.
/// </summary>
public sealed class RateLimitRefusals
{
    private ConcurrentDictionary<(Guid Resource, string Model), int> _counts = new();

    public void Count(Guid resourceId, string modelId) =>
        _counts.AddOrUpdate((resourceId, modelId), 1, (_, n) => n + 1);

    /// <summary>Adds one line per resource to <paramref name="db"/>'s unit of work and forgets the counts; returns how many lines.</summary>
    public int Flush(AddonDbContext db, DateTime now)
    {
        var counts = Interlocked.Exchange(ref _counts, new());
        foreach (var resource in counts.GroupBy(c => c.Key.Resource))
        {
            var total = resource.Sum(c => c.Value);
            var perModel = string.Join(", ", resource.OrderBy(c => c.Key.Model, StringComparer.Ordinal)
                .Select(c => $"{c.Key.Model}: {c.Value.ToString(CultureInfo.InvariantCulture)}"));
            AppLog.Write(db, resource.Key, now,
                $"Rate limit: {total.ToString(CultureInfo.InvariantCulture)} requests refused with 429 in the last minute ({perModel}). Slow down or move to a plan with higher limits; the x-ratelimit-* headers show what is left.");
        }
        return counts.Count == 0 ? 0 : counts.Keys.Select(k => k.Resource).Distinct().Count();
    }
}

/// <summary>Writes the refusal counts once a minute (and once more when the process stops).</summary>
public sealed class RateLimitRefusalFlush(RateLimitRefusals refusals, IServiceScopeFactory scopes, TimeProvider clock, ILogger<RateLimitRefusalFlush> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    /// <summary>One flush, now; the tests drive it instead of waiting a minute.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AddonDbContext>();
        var lines = refusals.Flush(db, clock.GetUtcNow().UtcDateTime);
        if (lines > 0) await db.SaveChangesAsync(ct);
        return lines;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await TryFlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await TryFlushAsync(cancellationToken);
    }

    private async Task TryFlushAsync(CancellationToken ct)
    {
        try { await FlushOnceAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Writing rate-limit refusal counts to the app logs failed: {Error}", e.GetType().Name);
        }
    }
}
