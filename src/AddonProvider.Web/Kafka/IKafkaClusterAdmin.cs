using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// Everything we change on a Kafka cluster, in one place. Every call states a desired outcome and is idempotent,
/// so a retried job can call it again. The default implementation (<see cref="PostgresKafkaClusterAdmin"/>) keeps the
/// desired users, ACLs and quotas in PostgreSQL next to the topics; a broker-backed one would apply the same calls
/// through Kafka's admin API.
/// </summary>
public interface IKafkaClusterAdmin
{
    /// <summary>The SCRAM user exists with this credential's password, and may use the resource's topics and groups.</summary>
    Task EnsureUserAsync(Guid resourceId, Credential credential, CancellationToken ct);

    /// <summary>The user and its ACLs are gone.</summary>
    Task DeleteUserAsync(Guid resourceId, string username, CancellationToken ct);

    /// <summary>The resource's users are held to the plan's produce and consume quotas.</summary>
    Task ApplyQuotasAsync(Guid resourceId, Plan plan, CancellationToken ct);
}
