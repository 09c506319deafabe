namespace AddonProvider.Data.Entities;

/// <summary>
/// A resource reached <see cref="Threshold"/> percent of a plan limit on <see cref="Day"/> (UTC). The unique key
/// (resource, limit, threshold, day) makes the warning — and its one email — happen once per day across dynos and retries.
/// </summary>
public sealed class UsageWarning
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }

    /// <summary>Which limit, e.g. <c>topics</c> or <c>requests_per_minute:model-id</c>.</summary>
    public required string LimitKey { get; set; }

    /// <summary>How the limit reads to a customer, e.g. "topics" or "requests per minute for model-id".</summary>
    public required string LimitLabel { get; set; }
    public int Threshold { get; set; }
    public DateOnly Day { get; set; }
    public long Used { get; set; }
    public long Limit { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EmailedAt { get; set; }
}

/// <summary>
/// Since when a resource has been at or over <see cref="Threshold"/> percent of a per-minute limit, minute after minute;
/// a warning fires on the third consecutive minute. A minute below the threshold (or a missed sample) ends the streak.
/// </summary>
public sealed class UsageStreak
{
    public Guid ResourceId { get; set; }
    public required string LimitKey { get; set; }
    public int Threshold { get; set; }
    public DateTime Since { get; set; }
    public DateTime LastMinute { get; set; }
}
