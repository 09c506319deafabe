namespace AddonProvider.Data.Entities;

/// <summary>One ACL binding for a cluster user: e.g. All on topics prefixed with the resource's prefix.</summary>
public sealed class KafkaAcl
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string Principal { get; set; }

    /// <summary>topic | group.</summary>
    public required string ResourceType { get; set; }
    public required string ResourceName { get; set; }

    /// <summary>literal | prefixed.</summary>
    public required string PatternType { get; set; }
    public required string Operation { get; set; }
}
