using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Kafka;

/// <summary>A topic as the cluster's CreateTopics call receives it; the name is the full one, prefix included.</summary>
public sealed record KafkaTopicSpec(string Name, int Partitions, short ReplicationFactor, long RetentionMs);

/// <summary>
/// Everything we change on the shared Kafka cluster, one member per admin-API call a broker adapter makes
/// (Confluent.Kafka's IAdminClient named in each). Every call states a desired outcome and is idempotent — creating what
/// exists or deleting what is gone succeeds — so a retried job can call it again. Names are full names (tenant prefix
/// included); <c>resourceId</c> is bookkeeping for the PostgreSQL model, which a broker adapter may ignore.
/// The default implementation (<see cref="PostgresKafkaClusterAdmin"/>) keeps the desired state in PostgreSQL.
/// </summary>
public interface IKafkaClusterAdmin
{
    /// <summary>
    /// The SCRAM user exists with this credential's password (AlterUserScramCredentialsAsync, upsert) and is granted the
    /// resource's prefix on topics and groups (CreateAclsAsync, pattern type prefixed).
    /// </summary>
    Task EnsureUserAsync(Guid resourceId, Credential credential, CancellationToken ct);

    /// <summary>The user's ACLs (DeleteAclsAsync, filter on the principal) and then the user (AlterUserScramCredentialsAsync, delete) are gone.</summary>
    Task DeleteUserAsync(Guid resourceId, string username, CancellationToken ct);

    /// <summary>The resource's users are held to the plan's produce and consume rates (AlterClientQuotasAsync).</summary>
    Task ApplyQuotasAsync(Guid resourceId, Plan plan, CancellationToken ct);

    /// <summary>The resource's client quotas are removed (AlterClientQuotasAsync with remove).</summary>
    Task DeleteQuotasAsync(Guid resourceId, CancellationToken ct);

    /// <summary>The topic exists (CreateTopicsAsync with partitions, replication factor and retention.ms; TopicAlreadyExists is success).</summary>
    Task CreateTopicAsync(Guid resourceId, KafkaTopicSpec topic, CancellationToken ct);

    /// <summary>The topic and its data are gone (DeleteTopicsAsync; UnknownTopicOrPartition is success).</summary>
    Task DeleteTopicAsync(Guid resourceId, string name, CancellationToken ct);

    /// <summary>The cluster's topics under <paramref name="prefix"/> (GetMetadata / ListTopics, filtered by prefix).</summary>
    Task<IReadOnlyList<string>> ListTopicsAsync(string prefix, CancellationToken ct);

    /// <summary>The consumer group and its committed offsets are gone (DeleteGroupsAsync; GroupIdNotFound is success).</summary>
    Task DeleteGroupAsync(Guid resourceId, string groupId, CancellationToken ct);

    /// <summary>The cluster's consumer groups under <paramref name="prefix"/> (ListConsumerGroupsAsync, filtered by prefix).</summary>
    Task<IReadOnlyList<string>> ListGroupsAsync(string prefix, CancellationToken ct);
}
