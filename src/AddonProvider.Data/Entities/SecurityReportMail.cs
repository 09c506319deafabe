namespace AddonProvider.Data.Entities;

/// <summary>
/// One email about a security report that must go out exactly once: the security team's alert of a new report, the
/// verified reporter's acknowledgement, and one alert per deadline that passed unmet. Unique per (report, kind,
/// deadline), so a second writer (a concurrent re-alert run) inserts nothing. No address is stored: the job reads it
/// (SECURITY_EMAIL, or the report's verified address) when it sends.
/// </summary>
public sealed class SecurityReportMail
{
    public long Id { get; set; }
    public Guid ReportId { get; set; }
    public SecurityReportMailKind Kind { get; set; }

    /// <summary>The deadline an overdue alert is about; null for the other kinds.</summary>
    public DateTime? Deadline { get; set; }
    public NotificationStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>When a run marked it sending; an old claim belongs to a run that died.</summary>
    public DateTime? ClaimedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}

public enum SecurityReportMailKind { NewReport, Acknowledgement, AcknowledgeOverdue, ResolveOverdue }
