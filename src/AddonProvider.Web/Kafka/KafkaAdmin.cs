using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.UsageWarnings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// Topics and consumer groups a customer manages from the dashboard. The customer types the short name; the row and
/// the cluster get the full name under the resource's prefix (<see cref="KafkaTenancy"/>). Creation takes the resource
/// row lock that a plan change takes, so a downgrade's quota check and a creation cannot interleave, and calls the
/// cluster before committing: a topic the cluster refused is not listed, and a retry after a lost commit finds the
/// topic there already, which the cluster call accepts.
/// </summary>
public sealed class KafkaAdmin(AddonDbContext db, CatalogCache catalog, IKafkaClusterAdmin cluster, TimeProvider clock)
{
    public const short ReplicationFactor = 3;

    public async Task<Failure?> CreateTopicAsync(Guid resourceId, string shortName, int partitions, int retentionHours, CancellationToken ct)
    {
        if (KafkaTenancy.ShortNameProblem("topic", shortName) is { } bad) return Failure.Unprocessable(bad);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockedPlanAsync(resourceId, ct) is not { } plan) return Failure.NotFound("This add-on is no longer active.");
        if (partitions < 1)
            return Failure.Unprocessable($"Partitions must be between 1 and {plan.MaxPartitionsPerTopic} on the {plan.Slug} plan.");
        if (partitions > plan.MaxPartitionsPerTopic)
            return await QuotaRefusedAsync(tx, resourceId, $"Partitions must be between 1 and {plan.MaxPartitionsPerTopic} on the {plan.Slug} plan.", ct);
        if (retentionHours < 1 || retentionHours > plan.MaxRetentionHours)
            return Failure.Unprocessable($"Retention must be between 1 and {plan.MaxRetentionHours} hours on the {plan.Slug} plan.");
        var count = await db.KafkaTopics.CountAsync(t => t.ResourceId == resourceId, ct);
        if (count >= plan.MaxTopics)
            return await QuotaRefusedAsync(tx, resourceId, $"The {plan.Slug} plan allows {plan.MaxTopics} topics and all are in use. Delete one or upgrade the plan.", ct);
        var name = KafkaTenancy.FullName(resourceId, shortName);
        db.KafkaTopics.Add(new KafkaTopic
        {
            ResourceId = resourceId, Name = name, Partitions = partitions, ReplicationFactor = ReplicationFactor,
            RetentionHours = retentionHours, CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        if (await SaveAsync($"A topic named '{name}' already exists.", ct) is { } duplicate) return duplicate;
        await cluster.CreateTopicAsync(resourceId, new KafkaTopicSpec(name, partitions, ReplicationFactor, retentionHours * 3_600_000L), ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await UsageLimits.CrossedAsync(db, resourceId, Topics, count + 1, plan.MaxTopics ?? 0, now, ct);
        await UsageLimits.CrossedAsync(db, resourceId, Partitions, partitions, plan.MaxPartitionsPerTopic ?? 0, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    public async Task<Failure?> CreateGroupAsync(Guid resourceId, string shortName, CancellationToken ct)
    {
        if (KafkaTenancy.ShortNameProblem("consumer group", shortName) is { } bad) return Failure.Unprocessable(bad);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockedPlanAsync(resourceId, ct) is not { } plan) return Failure.NotFound("This add-on is no longer active.");
        var groups = await db.KafkaConsumerGroups.CountAsync(g => g.ResourceId == resourceId, ct);
        if (groups >= plan.MaxConsumerGroups)
            return await QuotaRefusedAsync(tx, resourceId, $"The {plan.Slug} plan allows {plan.MaxConsumerGroups} consumer groups and all are in use.", ct);
        // Kafka has no call that creates a group (a consumer joining does); the row reserves the name against the quota.
        var name = KafkaTenancy.FullName(resourceId, shortName);
        db.KafkaConsumerGroups.Add(new KafkaConsumerGroup { ResourceId = resourceId, Name = name, CreatedAt = clock.GetUtcNow().UtcDateTime });
        if (await SaveAsync($"A consumer group named '{name}' already exists.", ct) is { } duplicate) return duplicate;
        await UsageLimits.CrossedAsync(db, resourceId, ConsumerGroups, groups + 1, plan.MaxConsumerGroups ?? 0, clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Deletes only when the customer typed the exact (full) name back: a deleted topic's data is gone.</summary>
    public async Task<Failure?> DeleteTopicAsync(Guid resourceId, string name, string confirmation, CancellationToken ct)
    {
        if (!string.Equals(name, confirmation, StringComparison.Ordinal))
            return Failure.Unprocessable($"Type the topic name '{name}' to confirm its deletion. Nothing was deleted.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.KafkaTopics.Where(t => t.ResourceId == resourceId && t.Name == name).ExecuteDeleteAsync(ct) == 0)
            return Failure.NotFound($"There is no topic named '{name}'.");
        await cluster.DeleteTopicAsync(resourceId, name, ct);
        await tx.CommitAsync(ct);
        return null;
    }

    public async Task<Failure?> DeleteGroupAsync(Guid resourceId, string name, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.KafkaConsumerGroups.Where(g => g.ResourceId == resourceId && g.Name == name).ExecuteDeleteAsync(ct) == 0)
            return Failure.NotFound($"There is no consumer group named '{name}'.");
        await cluster.DeleteGroupAsync(resourceId, name, ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private static readonly UsageLimit Topics = new("topics", "topics");
    private static readonly UsageLimit Partitions = new("partitions_per_topic", "partitions per topic");
    private static readonly UsageLimit ConsumerGroups = new("consumer_groups", "consumer groups");

    /// <summary>
    /// A creation refused by the plan's quota: nothing of it is kept (the transaction rolls back), and the app's logs get a
    /// line saying so, committed on its own.
    /// </summary>
    private async Task<Failure> QuotaRefusedAsync(IDbContextTransaction tx, Guid resourceId, string message, CancellationToken ct)
    {
        await tx.RollbackAsync(ct);
        db.ChangeTracker.Clear();
        AppLog.Write(db, resourceId, clock.GetUtcNow().UtcDateTime, $"KafkaCluster quota refused a change: {message}");
        await db.SaveChangesAsync(ct);
        return Failure.Unprocessable(message);
    }

    private async Task<Plan?> LockedPlanAsync(Guid resourceId, CancellationToken ct)
    {
        var row = await db.LockResourceAsync(resourceId, null, ct);
        if (row is null || row.State != ResourceState.Provisioned) return null;
        return (await catalog.GetAsync()).Plan(row.ProductId, row.PlanSlug);
    }

    private async Task<Failure?> SaveAsync(string duplicate, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Failure.Conflict(duplicate);
        }
    }
}
