using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Jobs;

public sealed class RetentionTests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    [Fact]
    public async Task Purge_AfterTheRetentionPeriod_DeletesEveryDependentRowAndLeavesATombstone()
    {
        var id = Guid.NewGuid();
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForStateAsync(id, ResourceState.Provisioned);
        var (recent, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        await using (var db = app.Db())
        {
            db.KafkaTopics.Add(new KafkaTopic { ResourceId = id, Name = "orders", Partitions = 1, ReplicationFactor = 3, RetentionHours = 24, CreatedAt = DateTime.UtcNow });
            db.SsoUsers.Add(new SsoUser { ResourceId = id, UserId = "u1", Email = "dev@example.com", FirstLoginAt = DateTime.UtcNow, LastLoginAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);
        await (await app.DeprovisionAsync("kafkacluster", recent)).ExpectAsync(HttpStatusCode.NoContent);
        await using (var db = app.Db()) // only the first is past the 30-day default
            await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DeprovisionedAt, DateTime.UtcNow.AddDays(-31)));

        await app.RunJobAsync(JobKinds.PurgeDeprovisioned, "");

        await using var check = app.Db();
        var tombstone = await check.Resources.AsNoTracking().SingleAsync(r => r.Id == id);
        Assert.NotNull(tombstone.PurgedAt);
        Assert.Equal(("kafkacluster", ResourceState.Deprovisioned), (tombstone.ProductId, tombstone.State));
        Assert.Null(tombstone.Name);
        Assert.Null(tombstone.OwnerEmail);
        foreach (var (table, column) in RetentionPurgeJob.DependentTables(check.Model))
        {
            var sql = "SELECT count(*)::int AS \"Value\" FROM " + table + " WHERE \"" + column + "\" = {0}"; // names from our own model
            var left = await check.Database.SqlQueryRaw<int>(sql, id).SingleAsync();
            Assert.True(left == 0, $"{table} still has {left} rows of the purged resource");
        }
        Assert.True(await check.Credentials.AnyAsync(c => c.ResourceId == recent), "a recently deprovisioned resource keeps its data");
        Assert.Null((await check.Resources.AsNoTracking().SingleAsync(r => r.Id == recent)).PurgedAt);
        var actions = await check.AuditLog.Where(a => a.ResourceId == id).Select(a => a.Action).ToListAsync();
        Assert.Contains("provision", actions);
        Assert.Contains("deprovision", actions);
        Assert.Contains("purge", actions);

        await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task DependentTables_CoverEveryForeignKeyToResourcesInTheDatabase()
    {
        await using var db = app.Db();
        var inDatabase = await db.Database.SqlQueryRaw<string>("""
            SELECT c.conrelid::regclass::text AS "Value" FROM pg_constraint c
            WHERE c.contype = 'f' AND c.confrelid = 'resources'::regclass
            """).ToListAsync();
        var found = RetentionPurgeJob.DependentTables(db.Model).Select(t => t.Table.Trim('"')).ToList();
        Assert.Equal(inDatabase.Order(), found.Order());
        Assert.Contains("heroku_tokens", found);
        Assert.Contains("kafka_users", found);
        Assert.DoesNotContain("audit_log", found);
    }
}
