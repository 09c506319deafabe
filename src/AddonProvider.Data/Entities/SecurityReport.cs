namespace AddonProvider.Data.Entities;

/// <summary>A security concern a customer reported from a resource's dashboard; operators triage it.</summary>
public sealed class SecurityReport
{
    public Guid Id { get; set; }
    public Guid? ResourceId { get; set; }
    public required string ReporterEmail { get; set; }

    /// <summary>
    /// True when the address is the reporting user's SSO-verified email or the resource's owner email (Platform API);
    /// only then are replies mailed. A typed address from an unverified session is kept but never mailed.
    /// </summary>
    public bool ReporterEmailVerified { get; set; }
    public string? ReporterName { get; set; }
    public required string Text { get; set; }
    public SecurityReportStatus Status { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public uint Version { get; set; }
}

public enum SecurityReportStatus { New, Triaged, Resolved, Rejected }
