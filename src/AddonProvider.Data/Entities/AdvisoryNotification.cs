namespace AddonProvider.Data.Entities;

/// <summary>
/// One email about one advisory to one recipient, unique on (advisory, lower-cased email): a recipient who
/// owns or uses several affected resources gets one message that lists them all.
/// </summary>
public sealed class AdvisoryNotification
{
    public long Id { get; set; }
    public Guid AdvisoryId { get; set; }

    /// <summary>The lower-cased address: the de-duplication key.</summary>
    public required string EmailKey { get; set; }
    public required string Email { get; set; }
    public List<Guid> ResourceIds { get; set; } = [];

    /// <summary>Delivery batch number; one job sends one batch over one SMTP connection.</summary>
    public int Batch { get; set; }

    public NotificationStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}

/// <summary>
/// pending → sending (just before the message goes to SMTP) → sent, or back to pending after a transient
/// failure, or failed (permanent failure, or out of attempts). A row left in `sending` by a crash is resent
/// with the same Message-ID. Withheld: never mailed, by rule (a security-report reply whose report's address is not
/// verified; the reporter reads it on the dashboard).
/// </summary>
public enum NotificationStatus { Pending, Sending, Sent, Failed, Withheld }
