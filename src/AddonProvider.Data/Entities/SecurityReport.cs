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

    /// <summary>From a sequence: the human reference <c>SR-&lt;year filed&gt;-&lt;number&gt;</c> (null only on rows an older version inserted mid-release).</summary>
    public long? Number { get; set; }

    /// <summary>What the customer suggested in the form (optional); it does not move the clock.</summary>
    public AdvisorySeverity? SuggestedSeverity { get; set; }

    /// <summary>Set by an operator at triage; until then the report counts as critical.</summary>
    public AdvisorySeverity? Severity { get; set; }

    /// <summary>The deadlines of SECURITY.md's table for the filing time and the effective severity (recomputed when it changes).</summary>
    public DateTime? AcknowledgeBy { get; set; }
    public DateTime? ResolveBy { get; set; }

    /// <summary>The first operator reply; the automatic acknowledgement never sets it.</summary>
    public DateTime? AcknowledgedAt { get; set; }
}

public enum SecurityReportStatus { New, Triaged, Resolved, Rejected }
