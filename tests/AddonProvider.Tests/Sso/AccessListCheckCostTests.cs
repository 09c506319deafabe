using System.Text.Json;
using System.Text.RegularExpressions;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AddonProvider.Tests.Sso;

/// <summary>
/// Every verified SSO login asks "must this resource's access list be read again?", and part of that is "is a read
/// already queued in the outbox?". The outbox keeps every dispatched row for the retention period, so that part must be
/// an index look-up: read the whole table and each login costs what the outbox holds (the 10-minute soak's p99 tripled
/// and its throughput halved as the outbox grew).
/// </summary>
public sealed class AccessListCheckCostTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task TheQueuedReadCheck_ReadsOnlyMatchingOutboxRows_HoweverLargeTheOutbox()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        await using (var db = app.Db())
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO heroku_tokens (resource_id, refresh_token_ciphertext, created_at, updated_at) VALUES ({id}, 'sealed', now(), now());
                INSERT INTO outbox (kind, argument, created_at, dispatched_at)
                    SELECT 'heroku.refresh-access-list', gen_random_uuid()::text, now(), now() FROM generate_series(1, 20000);
                INSERT INTO outbox (kind, argument, created_at)
                    SELECT 'advisory.deliver', gen_random_uuid()::text, now() FROM generate_series(1, 2000);
                ANALYZE outbox;
                """);
            // Nothing may dispatch the pending rows while the plan is read.
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE outbox IN SHARE MODE");

            var query = SsoLogin.AccessListReadDue(db, id, "user-1", "someone@example.com", DateTime.UtcNow - SsoLogin.AccessListRereadAfter);
            var plan = await ExplainAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)tx.GetDbTransaction(), query.ToQueryString());
            var outboxNodes = Nodes(plan).Where(n => n.TryGetProperty("Relation Name", out var r) && r.GetString() == "outbox").ToList();
            Assert.NotEmpty(outboxNodes);
            var read = outboxNodes.Sum(n => n.GetProperty("Actual Rows").GetDouble() * n.GetProperty("Actual Loops").GetDouble()
                + (n.TryGetProperty("Rows Removed by Filter", out var removed) ? removed.GetDouble() : 0));
            Assert.True(read <= 5, $"the check read {read} outbox rows for none that matched:\n{plan}");
            Assert.True(await query.AnyAsync(), "a resource with a grant, no list entry for the user and no queued read is due a read");
        }
    }

    /// <summary>EXPLAIN ANALYZE of EF Core's SQL for a query, its <c>-- @name='value'</c> parameters passed untyped.</summary>
    private static async Task<JsonElement> ExplainAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = tx };
        var body = new List<string>();
        foreach (var line in sql.Split('\n'))
        {
            if (Regex.Match(line, "^-- @(?<name>\\w+)='(?<value>.*)'") is { Success: true } m)
                command.Parameters.Add(new NpgsqlParameter(m.Groups["name"].Value, NpgsqlDbType.Unknown) { Value = m.Groups["value"].Value });
            else body.Add(line);
        }
        command.CommandText = "EXPLAIN (ANALYZE, FORMAT JSON) " + string.Join('\n', body);
        var json = (string)(await command.ExecuteScalarAsync())!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan");
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                foreach (var n in Nodes(child)) yield return n;
    }
}
