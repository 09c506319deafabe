namespace AddonProvider.Data.Entities;

/// <summary>The client quotas applied to a resource's users, from its plan.</summary>
public sealed class KafkaQuota
{
    public Guid ResourceId { get; set; }
    public int ProduceKbps { get; set; }
    public int ConsumeKbps { get; set; }
    public required string PlanSlug { get; set; }
    public DateTime UpdatedAt { get; set; }
}
