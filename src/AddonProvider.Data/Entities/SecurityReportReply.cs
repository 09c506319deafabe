namespace AddonProvider.Data.Entities;

/// <summary>An operator's emailed answer to a security report; sent by a job through the same mail sender as advisories.</summary>
public sealed class SecurityReportReply
{
    public long Id { get; set; }
    public Guid ReportId { get; set; }
    public required string Author { get; set; }
    public required string ToEmail { get; set; }
    public required string Body { get; set; }
    public NotificationStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}
