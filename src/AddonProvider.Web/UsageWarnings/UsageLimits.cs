using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.UsageWarnings;

/// <summary>One plan limit as warnings name it: a stable key (the unique constraint's) and the words a customer reads.</summary>
public sealed record UsageLimit(string Key, string Label);

/// <summary>
/// Warns a resource's contacts when it nears (80%) or reaches (100%) a plan limit: at most once per limit, threshold and
/// UTC day (a unique constraint, so across dynos and retries), unless an operator turned warnings off for the resource.
/// A warning is a row, a line for the app's logs and an email job, all in the caller's unit of work. Count limits
/// (topics, say) call <see cref="CrossedAsync"/> when something is created; per-minute limits report every minute
/// through <see cref="ObserveMinuteAsync"/>, which warns on the third consecutive minute at or over a threshold.
/// </summary>
public static class UsageLimits
{
    public static readonly int[] Thresholds = [80, 100];
    public const string EmailJobKind = "usage.warn";
    public const int ConsecutiveMinutes = 3;

    /// <summary>The thresholds <paramref name="used"/> of <paramref name="limit"/> has reached.</summary>
    public static IEnumerable<int> Reached(long used, long limit) =>
        limit <= 0 ? [] : Thresholds.Where(t => used * 100 >= (long)t * limit);

    /// <summary>After a creation that uses <paramref name="used"/> of <paramref name="limit"/>: warn for each threshold reached.</summary>
    public static async Task CrossedAsync(AddonDbContext db, Guid resourceId, UsageLimit what, long used, long limit, DateTime now, CancellationToken ct)
    {
        foreach (var threshold in Reached(used, limit))
            await WarnAsync(db, resourceId, what, threshold, used, limit, now, ct);
    }

    /// <summary>
    /// One minute's use of a per-minute limit (<paramref name="minute"/> is that minute's start). Keeps a streak per
    /// threshold; a streak that misses a minute starts over. Call <see cref="EndStaleStreaksAsync"/> once per sampling round.
    /// </summary>
    public static async Task ObserveMinuteAsync(AddonDbContext db, Guid resourceId, UsageLimit what, long used, long limit, DateTime minute, DateTime now, CancellationToken ct)
    {
        var reached = Reached(used, limit).ToHashSet();
        foreach (var threshold in Thresholds)
        {
            if (!reached.Contains(threshold))
            {
                await db.UsageStreaks.Where(s => s.ResourceId == resourceId && s.LimitKey == what.Key && s.Threshold == threshold).ExecuteDeleteAsync(ct);
                continue;
            }
            // Insert or extend in one statement; a gap of more than a minute restarts the streak.
            var since = await db.Database.SqlQuery<DateTime>($"""
                INSERT INTO usage_streaks (resource_id, limit_key, threshold, since, last_minute)
                VALUES ({resourceId}, {what.Key}, {threshold}, {minute}, {minute})
                ON CONFLICT (resource_id, limit_key, threshold) DO UPDATE SET
                    since = CASE WHEN usage_streaks.last_minute >= excluded.last_minute - interval '1 minute' THEN usage_streaks.since ELSE excluded.since END,
                    last_minute = greatest(usage_streaks.last_minute, excluded.last_minute)
                RETURNING since AS "Value"
                """).ToListAsync(ct);
            if (minute - since.Single() >= TimeSpan.FromMinutes(ConsecutiveMinutes - 1))
                await WarnAsync(db, resourceId, what, threshold, used, limit, now, ct);
        }
    }

    /// <summary>Streaks not seen in the minute before <paramref name="minute"/> are over (their resource went quiet).</summary>
    public static Task<int> EndStaleStreaksAsync(AddonDbContext db, DateTime minute, CancellationToken ct)
    {
        var before = minute.AddMinutes(-1);
        return db.UsageStreaks.Where(s => s.LastMinute < before).ExecuteDeleteAsync(ct);
    }

    private static async Task WarnAsync(AddonDbContext db, Guid resourceId, UsageLimit what, int threshold, long used, long limit, DateTime now, CancellationToken ct)
    {
        if (await db.Resources.Where(r => r.Id == resourceId).Select(r => r.UsageWarningsDisabledAt).SingleOrDefaultAsync(ct) is not null) return;
        var day = DateOnly.FromDateTime(now);
        var inserted = await db.Database.SqlQuery<long>($"""
            INSERT INTO usage_warnings (resource_id, limit_key, limit_label, threshold, day, used, "limit", created_at)
            VALUES ({resourceId}, {what.Key}, {what.Label}, {threshold}, {day}, {used}, {limit}, {now})
            ON CONFLICT (resource_id, limit_key, threshold, day) DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        if (inserted.Count == 0) return; // already warned today
        AppLog.Write(db, resourceId, now, Sentence(what.Label, threshold, used, limit));
        db.Enqueue(EmailJobKind, inserted[0].ToString(System.Globalization.CultureInfo.InvariantCulture), now);
    }

    public static string Sentence(string label, int threshold, long used, long limit) => threshold >= 100
        ? $"Usage warning: {label} reached the plan's limit ({used} of {limit}). Further use is refused until usage drops; a larger plan raises the limit."
        : $"Usage warning: {label} is at {threshold}% or more of the plan's limit ({used} of {limit}).";
}
