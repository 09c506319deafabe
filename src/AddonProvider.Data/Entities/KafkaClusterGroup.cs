namespace AddonProvider.Data.Entities;

/// <summary>
/// A consumer group the shared cluster knows (a client joined it), by its full id, tenant prefix included; unique
/// across the cluster. Kept by the PostgreSQL cluster-admin model; no admin call creates one.
/// </summary>
public sealed class KafkaClusterGroup
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string GroupId { get; set; }
    public DateTime CreatedAt { get; set; }
}
