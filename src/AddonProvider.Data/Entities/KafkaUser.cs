namespace AddonProvider.Data.Entities;

/// <summary>A SCRAM user that should exist on the cluster (desired state kept by the cluster-admin layer).</summary>
public sealed class KafkaUser
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string Username { get; set; }

    /// <summary>The credential whose password this user has.</summary>
    public long CredentialId { get; set; }
    public DateTime CreatedAt { get; set; }
}
