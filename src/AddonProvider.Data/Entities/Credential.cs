namespace AddonProvider.Data.Entities;

/// <summary>
/// A secret we issued to a resource: a KafkaCluster SCRAM user or an Inference key.
/// The secret is encrypted at rest; inference keys also carry a keyed hash for look-up.
/// A rotation adds a new row and gives the old one an <see cref="ExpiresAt"/> (the overlap window).
/// </summary>
public sealed class Credential
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required CredentialKind Kind { get; set; }
    public string? Username { get; set; }
    public required string SecretCiphertext { get; set; }
    public byte[]? LookupHash { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Set when a newer credential replaced this one; it stays valid until then.</summary>
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsValidAt(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public enum CredentialKind { KafkaScram, InferenceKey }
