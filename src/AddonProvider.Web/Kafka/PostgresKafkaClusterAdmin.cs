using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// The shared cluster's desired state in PostgreSQL — kafka_users, kafka_acls, kafka_quotas, kafka_cluster_topics,
/// kafka_cluster_groups — exactly what the admin calls of <see cref="IKafkaClusterAdmin"/> would leave on a broker.
/// Topic and group names are unique across tenants, as on the broker. Writes are upserts or deletes, so repeating a call
/// changes nothing. It shares the caller's DbContext, so a call made inside the caller's transaction commits with it.
/// </summary>
public sealed class PostgresKafkaClusterAdmin(AddonDbContext db, TimeProvider clock) : IKafkaClusterAdmin
{
    private static readonly (string Type, string Operation)[] Grants =
        [("topic", "Read"), ("topic", "Write"), ("topic", "Describe"), ("topic", "Create"), ("group", "Read"), ("group", "Describe")];

    public async Task EnsureUserAsync(Guid resourceId, Credential credential, CancellationToken ct)
    {
        var username = credential.Username ?? throw new ArgumentException("A Kafka credential has a username.", nameof(credential));
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO kafka_users (resource_id, username, credential_id, created_at) VALUES ({resourceId}, {username}, {credential.Id}, {now})
            ON CONFLICT (username) DO NOTHING
            """, ct);
        var principal = "User:" + username;
        var prefix = KafkaTenancy.Prefix(resourceId);
        foreach (var (type, operation) in Grants)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO kafka_acls (resource_id, principal, resource_type, resource_name, pattern_type, operation)
                VALUES ({resourceId}, {principal}, {type}, {prefix}, 'prefixed', {operation})
                ON CONFLICT DO NOTHING
                """, ct);
    }

    public async Task DeleteUserAsync(Guid resourceId, string username, CancellationToken ct)
    {
        var principal = "User:" + username;
        await db.KafkaAcls.Where(a => a.ResourceId == resourceId && a.Principal == principal).ExecuteDeleteAsync(ct);
        await db.KafkaUsers.Where(u => u.ResourceId == resourceId && u.Username == username).ExecuteDeleteAsync(ct);
    }

    public async Task ApplyQuotasAsync(Guid resourceId, Plan plan, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO kafka_quotas (resource_id, produce_kbps, consume_kbps, plan_slug, updated_at)
            VALUES ({resourceId}, {plan.ProduceQuotaKbps ?? 0}, {plan.ConsumeQuotaKbps ?? 0}, {plan.Slug}, {now})
            ON CONFLICT (resource_id) DO UPDATE SET produce_kbps = excluded.produce_kbps, consume_kbps = excluded.consume_kbps,
                plan_slug = excluded.plan_slug, updated_at = excluded.updated_at
            WHERE (kafka_quotas.produce_kbps, kafka_quotas.consume_kbps, kafka_quotas.plan_slug)
                IS DISTINCT FROM (excluded.produce_kbps, excluded.consume_kbps, excluded.plan_slug)
            """, ct);
    }

    public async Task DeleteQuotasAsync(Guid resourceId, CancellationToken ct) =>
        await db.KafkaQuotas.Where(q => q.ResourceId == resourceId).ExecuteDeleteAsync(ct);

    public async Task CreateTopicAsync(Guid resourceId, KafkaTopicSpec topic, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO kafka_cluster_topics (resource_id, name, partitions, replication_factor, retention_ms, created_at)
            VALUES ({resourceId}, {topic.Name}, {topic.Partitions}, {topic.ReplicationFactor}, {topic.RetentionMs}, {now})
            ON CONFLICT (name) DO NOTHING
            """, ct);
    }

    public async Task DeleteTopicAsync(Guid resourceId, string name, CancellationToken ct) =>
        await db.KafkaClusterTopics.Where(t => t.Name == name).ExecuteDeleteAsync(ct);

    public async Task<IReadOnlyList<string>> ListTopicsAsync(string prefix, CancellationToken ct) =>
        await db.KafkaClusterTopics.Where(t => t.Name.StartsWith(prefix)).OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(ct);

    public async Task DeleteGroupAsync(Guid resourceId, string groupId, CancellationToken ct) =>
        await db.KafkaClusterGroups.Where(g => g.GroupId == groupId).ExecuteDeleteAsync(ct);

    public async Task<IReadOnlyList<string>> ListGroupsAsync(string prefix, CancellationToken ct) =>
        await db.KafkaClusterGroups.Where(g => g.GroupId.StartsWith(prefix)).OrderBy(g => g.GroupId).Select(g => g.GroupId).ToListAsync(ct);
}
