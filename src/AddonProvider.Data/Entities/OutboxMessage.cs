namespace AddonProvider.Data.Entities;

/// <summary>
/// Work that must follow a commit, written in the same transaction as the change that calls for it.
/// The worker's dispatcher hands each row to Hangfire; jobs are idempotent, so a row dispatched twice is harmless.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The job kind (see the web project's Jobs/JobKinds), e.g. <c>kafka.finish-provisioning</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The job's argument: an id, never a secret.</summary>
    public required string Argument { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When set and in the future, the job is scheduled for then instead of enqueued at once.</summary>
    public DateTime? RunAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
}
