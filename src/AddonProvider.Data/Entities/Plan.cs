namespace AddonProvider.Data.Entities;

public sealed class Plan
{
    public required string ProductId { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public int SortOrder { get; set; }

    /// <summary>Monthly price in US cents; null where the product brief names no price.</summary>
    public int? PriceCentsPerMonth { get; set; }

    // MobiLoud
    public bool CanPublish { get; set; }

    // KafkaCluster: throughput quotas from the brief, resource quotas of our choosing.
    public int? ProduceQuotaKbps { get; set; }
    public int? ConsumeQuotaKbps { get; set; }
    public int? MaxTopics { get; set; }
    public int? MaxPartitionsPerTopic { get; set; }
    public int? MaxConsumerGroups { get; set; }
    public int? MaxRetentionHours { get; set; }

    // Inference: the model a per-model plan is bound to; null for `standard` (any model of the region).
    public string? ModelId { get; set; }
}
