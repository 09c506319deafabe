namespace AddonProvider.Data.Entities;

/// <summary>A topic a KafkaCluster customer created; the desired state the cluster-admin layer applies.</summary>
public sealed class KafkaTopic
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string Name { get; set; }
    public int Partitions { get; set; }
    public short ReplicationFactor { get; set; }
    public int RetentionHours { get; set; }
    public DateTime CreatedAt { get; set; }
}
