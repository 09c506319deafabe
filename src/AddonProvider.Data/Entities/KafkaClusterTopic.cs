namespace AddonProvider.Data.Entities;

/// <summary>
/// A topic as the shared cluster holds it (the desired state kept by the PostgreSQL cluster-admin model). The name is
/// the full one, tenant prefix included, and unique across the cluster as Kafka's topic namespace is.
/// </summary>
public sealed class KafkaClusterTopic
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string Name { get; set; }
    public int Partitions { get; set; }
    public short ReplicationFactor { get; set; }

    /// <summary>The topic's retention.ms config.</summary>
    public long RetentionMs { get; set; }
    public DateTime CreatedAt { get; set; }
}
