namespace AddonProvider.Data.Entities;

/// <summary>
/// A security advisory. A draft is edited freely; publishing freezes it and starts the notification fan-out
/// exactly once. Later news is a follow-up advisory pointing at the published one (<see cref="FollowUpOf"/>).
/// </summary>
public sealed class Advisory
{
    public Guid Id { get; set; }
    public Guid? FollowUpOf { get; set; }
    public required string Title { get; set; }
    public AdvisorySeverity Severity { get; set; }
    public List<string> CveIds { get; set; } = [];
    public string Summary { get; set; } = "";
    public string Assessment { get; set; } = "";
    public string Mitigation { get; set; } = "";
    public List<string> Links { get; set; } = [];

    // What is affected. Every given criterion must hold; an empty list restricts nothing.
    public bool AffectsAll { get; set; }
    public List<string> AffectedProducts { get; set; } = [];
    /// <summary>"product:plan" pairs.</summary>
    public List<string> AffectedPlans { get; set; } = [];
    public List<string> AffectedRegions { get; set; } = [];
    public DateTime? ProvisionedFrom { get; set; }
    public DateTime? ProvisionedTo { get; set; }
    public List<Guid> AffectedResourceIds { get; set; } = [];

    public AdvisoryStatus Status { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? PublishedBy { get; set; }
    public DateTime? PublishedAt { get; set; }

    /// <summary>When the fan-out resolved recipients; set once, so a second run of that job does nothing.</summary>
    public DateTime? ResolvedAt { get; set; }

    public uint Version { get; set; }
}

public enum AdvisorySeverity { Low, Medium, High, Critical }

public enum AdvisoryStatus { Draft, Published }
