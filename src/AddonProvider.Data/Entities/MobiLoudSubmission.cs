namespace AddonProvider.Data.Entities;

/// <summary>
/// A MobiLoud publishing request: a draft while the customer types, then submitted once and frozen together with
/// the app configuration and plan of that moment. One per resource.
/// </summary>
public sealed class MobiLoudSubmission
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public SubmissionStatus Status { get; set; }

    /// <summary>The form fields as typed (jsonb object of strings).</summary>
    public required string FormJson { get; set; }

    public string? ConfigSnapshotJson { get; set; }
    public string? WebsiteUrlSnapshot { get; set; }
    public string? PlanSlugSnapshot { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? SubmittedAt { get; set; }

    /// <summary>Outbox marker: set by the job that emails the operators; null on a submitted row means "still to tell".</summary>
    public DateTime? OperatorsNotifiedAt { get; set; }

    /// <summary>When a job run claimed the email to send it (no lock is held while the mail server is talked to).</summary>
    public DateTime? OperatorsNotifyClaimedAt { get; set; }

    public uint Version { get; set; }

    /// <summary>Where our team is with a submitted request; null on a submitted row reads as <see cref="SubmissionReview.New"/>.</summary>
    public SubmissionReview? Review { get; set; }
    public DateTime? ReviewUpdatedAt { get; set; }
    public string? ReviewedBy { get; set; }
}

public enum SubmissionStatus { Draft, Submitted }

/// <summary>Our team's progress on a submitted request: new → in progress → done. Stored as new, in_progress, done.</summary>
public enum SubmissionReview { New, InProgress, Done }

public static class SubmissionReviews
{
    public static string Name(this SubmissionReview review) => review switch
    {
        SubmissionReview.InProgress => "in_progress",
        _ => review.Stored(),
    };

    public static SubmissionReview? Parse(string? name) =>
        Enum.GetValues<SubmissionReview>().Select(r => (SubmissionReview?)r).FirstOrDefault(r => r!.Value.Name() == name);
}
