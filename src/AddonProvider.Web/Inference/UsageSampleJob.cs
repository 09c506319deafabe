using AddonProvider.Data;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.UsageWarnings;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Recurring (every minute): reads each (resource, model) window's use — requests and tokens in the last minute, from the
/// rate-limit rows every dyno writes — and reports it against the model's per-minute limits, so a resource that stays at
/// 80% or 100% for three consecutive minutes warns its contacts (<see cref="UsageLimits.ObserveMinuteAsync"/>).
/// The window is the database's last minute (the clock admissions use); the minute a sample counts for is this job's clock.
/// Two runs in the same minute count as one sample.
/// </summary>
public sealed class UsageSampleJob(AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, TimeProvider clock) : IJob
{
    public const string Kind = "inference.sample-usage";

    private sealed record Window(Guid ResourceId, string ModelId, int Requests, long Tokens);

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var minute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var windows = await db.Database.SqlQuery<Window>($"""
            SELECT resource_id AS "ResourceId", model_id AS "ModelId", count(*)::int AS "Requests", coalesce(sum(tokens), 0)::bigint AS "Tokens"
            FROM inference_rate_events WHERE at > clock_timestamp() - interval '1 minute'
            GROUP BY resource_id, model_id
            """).ToListAsync(ct);
        var snapshot = await catalog.GetAsync();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await UsageLimits.EndStaleStreaksAsync(db, minute, ct);
        foreach (var w in windows)
        {
            if (snapshot.Model(w.ModelId) is not { } model) continue;
            await UsageLimits.ObserveMinuteAsync(db, w.ResourceId, new($"requests_per_minute:{model.Id}", $"requests per minute for {model.Id}"),
                w.Requests, limiter.RequestsPerMinute(model), minute, now, ct);
            if (limiter.TokensPerMinute(model) is { } tpm)
                await UsageLimits.ObserveMinuteAsync(db, w.ResourceId, new($"tokens_per_minute:{model.Id}", $"tokens per minute for {model.Id}"),
                    w.Tokens, tpm, minute, now, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
