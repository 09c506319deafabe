namespace AddonProvider.Data.Entities;

/// <summary>An append-only record of a state change. Survives the retention purge.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public Guid? ResourceId { get; set; }
    public string? ProductId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? RequestId { get; set; }
    public string? Detail { get; set; }
}
