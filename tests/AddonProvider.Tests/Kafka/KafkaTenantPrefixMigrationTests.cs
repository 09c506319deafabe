using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Migrations;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AddonProvider.Tests.Kafka;

/// <summary>
/// A database as the release before tenant prefixes left it (migrated back to NotifyClaim, rows in the old shape), then
/// migrated forward as the release phase does.
/// </summary>
public sealed class PreTenancyDatabaseFixture : HerokuFixture
{
    public static readonly Guid Granted = Guid.NewGuid(), Plain = Guid.NewGuid(), Gone = Guid.NewGuid();
    public static readonly string TooLong = new('x', 217);

    protected override async Task BeforeStartAsync(string connectionString)
    {
        await using (var db = Migrator.CreateContext(connectionString))
            await db.GetService<IMigrator>().MigrateAsync("20261122203710_NotifyClaim");
        await using (var db = new AddonDbContext(new DbContextOptionsBuilder<AddonDbContext>().UseNpgsql(connectionString).Options))
        {
            var now = DateTime.UtcNow;
            foreach (var (id, state) in new[] { (Granted, ResourceState.Provisioned), (Plain, ResourceState.Provisioned), (Gone, ResourceState.Deprovisioned) })
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO resources (id, product_id, plan_slug, original_plan_slug, region, state, created_at, updated_at)
                    VALUES ({id}, 'kafkacluster', 'starter', 'starter', 'us', {state.ToString().ToLowerInvariant()}, {now}, {now})
                    """);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO kafka_topics (resource_id, name, partitions, replication_factor, retention_hours, created_at)
                    VALUES ({id}, 'orders', 2, 3, 24, {now})
                    """);
                await db.Database.ExecuteSqlAsync($"INSERT INTO kafka_consumer_groups (resource_id, name, created_at) VALUES ({id}, 'billing', {now})");
            }
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO kafka_topics (resource_id, name, partitions, replication_factor, retention_hours, created_at)
                VALUES ({Plain}, {TooLong}, 1, 3, 1, {now})
                """);
            foreach (var id in new[] { Granted, Gone })
                await db.Database.ExecuteSqlAsync($"INSERT INTO heroku_tokens (resource_id, created_at, updated_at) VALUES ({id}, {now}, {now})");
        }
        await Migrator.MigrateAsync(connectionString);
    }
}

public sealed class KafkaTenantPrefixMigrationTests(PreTenancyDatabaseFixture app) : IClassFixture<PreTenancyDatabaseFixture>
{
    [Fact]
    public async Task Migration_PrefixesStoredNames_PutsLiveTopicsOnTheCluster_AndQueuesOnePushPerLiveResourceWithAGrant()
    {
        var (granted, plain, gone) = (PreTenancyDatabaseFixture.Granted, PreTenancyDatabaseFixture.Plain, PreTenancyDatabaseFixture.Gone);
        await using var db = app.Db();
        foreach (var id in new[] { granted, plain, gone })
        {
            Assert.Contains($"{id:N}.orders", await db.KafkaTopics.Where(t => t.ResourceId == id).Select(t => t.Name).ToListAsync());
            Assert.Equal([$"{id:N}.billing"], await db.KafkaConsumerGroups.Where(g => g.ResourceId == id).Select(g => g.Name).ToListAsync());
        }
        // A name that cannot carry the prefix within 249 characters is left as it was.
        Assert.True(await db.KafkaTopics.AnyAsync(t => t.ResourceId == plain && t.Name == PreTenancyDatabaseFixture.TooLong));

        var onCluster = await db.KafkaClusterTopics.OrderBy(t => t.Name).Select(t => new { t.Name, t.Partitions, t.RetentionMs }).ToListAsync();
        Assert.Equal(new[] { $"{granted:N}.orders", $"{plain:N}.orders" }.Order(), onCluster.Select(t => t.Name));
        Assert.All(onCluster, t => Assert.Equal((2, 24 * 3_600_000L), (t.Partitions, t.RetentionMs)));

        Assert.Equal([granted.ToString()], await db.Outbox.Where(m => m.Kind == KafkaJobKinds.PushPrefix).Select(m => m.Argument).ToListAsync());
    }
}
