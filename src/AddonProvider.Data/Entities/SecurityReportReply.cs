namespace AddonProvider.Data.Entities;

/// <summary>
/// An operator's answer to a security report, shown on the report's dashboard page and, when the report's address is
/// verified, emailed by a job through the same mail sender as advisories.
/// </summary>
public sealed class SecurityReportReply
{
    public long Id { get; set; }
    public Guid ReportId { get; set; }
    public required string Author { get; set; }
    /// <summary>The verified address it is mailed to; null when it is not mailed (status <c>withheld</c>).</summary>
    public string? ToEmail { get; set; }
    public required string Body { get; set; }
    public NotificationStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}
