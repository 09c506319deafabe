using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// The cluster's desired state in PostgreSQL (kafka_users, kafka_acls, kafka_quotas; topics are in kafka_topics),
/// which the dashboard reads. Writes are upserts, so repeating a call changes nothing.
/// </summary>
public sealed class PostgresKafkaClusterAdmin(AddonDbContext db, TimeProvider clock) : IKafkaClusterAdmin
{
    /// <summary>Each resource's topics and consumer groups live under its own prefix on the shared cluster.</summary>
    public static string Prefix(Guid resourceId) => $"{resourceId:N}.";

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
        var prefix = Prefix(resourceId);
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
}
