namespace AddonProvider.Data.Entities;

/// <summary>
/// A resource an advisory affects, fixed when the advisory's fan-out resolves. Carries whether any contact was
/// known (else the resource is reported unreachable) and the customer's acknowledgement of the dashboard banner.
/// </summary>
public sealed class AdvisoryTarget
{
    public Guid AdvisoryId { get; set; }
    public Guid ResourceId { get; set; }
    public bool Reachable { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
}
