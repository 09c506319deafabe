using System.Text.RegularExpressions;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// Topics and consumer groups a customer manages from the dashboard. Creation takes the resource row lock that a
/// plan change takes (ProvisioningService.LockAsync), so a downgrade's quota check and a creation cannot interleave.
/// </summary>
public sealed partial class KafkaAdmin(AddonDbContext db, CatalogCache catalog, TimeProvider clock)
{
    public const short ReplicationFactor = 3;

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex KafkaName();

    /// <summary>Kafka's own rule for topic names (and the one we apply to group ids shown in the dashboard).</summary>
    public static string? NameProblem(string kind, string name) =>
        name is "." or ".." ? $"A {kind} cannot be named '.' or '..'."
        : !KafkaName().IsMatch(name) ? $"A {kind} name is 1–249 characters of letters, digits, '.', '_' and '-'."
        : null;

    public async Task<Failure?> CreateTopicAsync(Guid resourceId, string name, int partitions, int retentionHours, CancellationToken ct)
    {
        if (NameProblem("topic", name) is { } bad) return Failure.Unprocessable(bad);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockedPlanAsync(resourceId, ct) is not { } plan) return Failure.NotFound("This add-on is no longer active.");
        if (partitions < 1 || partitions > plan.MaxPartitionsPerTopic)
            return Failure.Unprocessable($"Partitions must be between 1 and {plan.MaxPartitionsPerTopic} on the {plan.Slug} plan.");
        if (retentionHours < 1 || retentionHours > plan.MaxRetentionHours)
            return Failure.Unprocessable($"Retention must be between 1 and {plan.MaxRetentionHours} hours on the {plan.Slug} plan.");
        var count = await db.KafkaTopics.CountAsync(t => t.ResourceId == resourceId, ct);
        if (count >= plan.MaxTopics)
            return Failure.Unprocessable($"The {plan.Slug} plan allows {plan.MaxTopics} topics and all are in use. Delete one or upgrade the plan.");
        db.KafkaTopics.Add(new KafkaTopic
        {
            ResourceId = resourceId, Name = name, Partitions = partitions, ReplicationFactor = ReplicationFactor,
            RetentionHours = retentionHours, CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        return await CommitAsync(tx, $"A topic named '{name}' already exists.", ct);
    }

    public async Task<Failure?> CreateGroupAsync(Guid resourceId, string name, CancellationToken ct)
    {
        if (NameProblem("consumer group", name) is { } bad) return Failure.Unprocessable(bad);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockedPlanAsync(resourceId, ct) is not { } plan) return Failure.NotFound("This add-on is no longer active.");
        if (await db.KafkaConsumerGroups.CountAsync(g => g.ResourceId == resourceId, ct) >= plan.MaxConsumerGroups)
            return Failure.Unprocessable($"The {plan.Slug} plan allows {plan.MaxConsumerGroups} consumer groups and all are in use.");
        db.KafkaConsumerGroups.Add(new KafkaConsumerGroup { ResourceId = resourceId, Name = name, CreatedAt = clock.GetUtcNow().UtcDateTime });
        return await CommitAsync(tx, $"A consumer group named '{name}' already exists.", ct);
    }

    /// <summary>Deletes only when the customer typed the exact name back: a deleted topic's data is gone.</summary>
    public async Task<Failure?> DeleteTopicAsync(Guid resourceId, string name, string confirmation, CancellationToken ct)
    {
        if (!string.Equals(name, confirmation, StringComparison.Ordinal))
            return Failure.Unprocessable($"Type the topic name '{name}' to confirm its deletion. Nothing was deleted.");
        var deleted = await db.KafkaTopics.Where(t => t.ResourceId == resourceId && t.Name == name).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Failure.NotFound($"There is no topic named '{name}'.") : null;
    }

    public async Task<Failure?> DeleteGroupAsync(Guid resourceId, string name, CancellationToken ct) =>
        await db.KafkaConsumerGroups.Where(g => g.ResourceId == resourceId && g.Name == name).ExecuteDeleteAsync(ct) == 0
            ? Failure.NotFound($"There is no consumer group named '{name}'.") : null;

    private async Task<Plan?> LockedPlanAsync(Guid resourceId, CancellationToken ct)
    {
        var row = (await db.Resources.FromSql($"SELECT *, xmin FROM resources WHERE id = {resourceId} FOR UPDATE").AsNoTracking().ToListAsync(ct)).SingleOrDefault();
        if (row is null || row.State != ResourceState.Provisioned) return null;
        return (await catalog.GetAsync()).Plan(row.ProductId, row.PlanSlug);
    }

    private async Task<Failure?> CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, string duplicate, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Failure.Conflict(duplicate);
        }
    }
}
