using System.Collections.Concurrent;
using System.Text.Json;
using AddonProvider.Simulator;
using Npgsql;

namespace AddonProvider.Harness;

/// <summary>
/// N provisions at concurrency C through <see cref="HerokuRetry"/>, with a hook that fires once after a given
/// number of requests have been answered (the fault), and a PostgreSQL check of what the answers promised.
/// </summary>
public static class ProvisionStorm
{
    public sealed record Outcome(Guid Id, string Product, int Status, int Attempts, string Body);

    public static async Task<List<Outcome>> RunAsync(Stack stack, Observed observed, int count, int concurrency, bool grant,
        int faultAfter, Func<Task>? fault, Func<bool>? abandon = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency })
        { BaseAddress = stack.ProviderUrl, Timeout = TimeSpan.FromSeconds(30) };
        var retry = new HerokuRetry(http, observed) { Abandon = abandon ?? (() => false) };
        var outcomes = new ConcurrentBag<Outcome>();
        var next = -1;
        var answered = 0;
        Task? faultTask = null;
        var plans = LoadCommand.DefaultPlans;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var (product, plan) = plans[i % plans.Count];
                var uuid = Guid.NewGuid();
                stack.Simulator.State.Addons.GetOrAdd(uuid, id => new SimulatedAddon
                {
                    Id = id, Product = product, AppId = HerokuSimulator.DeterministicGuid("app", id.ToString()),
                    AppName = $"sim-app-{id.ToString()[..8]}", OwnerEmail = $"owner-{id.ToString()[..8]}@example.com",
                });
                // One body per uuid, serialized once: every retry sends these exact bytes (grant code included).
                var json = JsonSerializer.Serialize(ProviderClient.ProvisionBody(uuid, product, plan, "amazon-web-services::us-east-1", grant));
                var final = await retry.SendAsync("provision", HttpMethod.Post, "heroku/resources", product, json);
                outcomes.Add(new Outcome(uuid, product, final.Status, final.Attempts, final.Body));
                if (Interlocked.Increment(ref answered) == faultAfter && fault is not null) faultTask = Task.Run(fault);
            }
        }).ToList();
        await Task.WhenAll(workers);
        if (faultTask is not null) await faultTask;
        return outcomes.ToList();
    }

    public sealed record Verdict(int Answered2xx, int Missing, int ResourcesInDb, int Duplicates, int CredentialAnomalies, int StillProvisioning, int Failed)
    {
        public bool Ok(int expected) => Missing == 0 && ResourcesInDb == expected && Duplicates == 0 && CredentialAnomalies == 0 && Failed == 0;
    }

    /// <summary>
    /// Every uuid that got a 2xx has its committed row; the table holds exactly the run's resources, each once;
    /// every provisioned KafkaCluster/Inference resource has exactly one credential and no resource has more.
    /// </summary>
    public static async Task<Verdict> VerifyAsync(Stack stack, IReadOnlyCollection<Outcome> outcomes)
    {
        var ok = outcomes.Where(o => o.Status is >= 200 and < 300).Select(o => o.Id).ToArray();
        await using var db = stack.Db();
        await db.OpenAsync();
        var found = new HashSet<Guid>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM resources WHERE id = ANY(@ids)", db))
        {
            cmd.Parameters.AddWithValue("ids", ok);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) found.Add(r.GetGuid(0));
        }
        async Task<long> Scalar(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, db);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        var total = await Scalar("SELECT count(*) FROM resources");
        var duplicates = await Scalar("SELECT count(*) - count(DISTINCT id) FROM resources");
        var anomalies = await Scalar("""
            SELECT count(*) FROM resources r
            WHERE (r.product_id IN ('kafkacluster', 'inference') AND r.state = 'provisioned'
                   AND (SELECT count(*) FROM credentials c WHERE c.resource_id = r.id) <> 1)
               OR (SELECT count(*) FROM credentials c WHERE c.resource_id = r.id) > 1
            """);
        var provisioning = await Scalar("SELECT count(*) FROM resources WHERE state = 'provisioning'");
        var failed = await Scalar("SELECT count(*) FROM resources WHERE state = 'failed'");
        return new Verdict(ok.Length, ok.Count(id => !found.Contains(id)), (int)total, (int)duplicates, (int)anomalies, (int)provisioning, (int)failed);
    }

    /// <summary>With a grant the KafkaCluster third finishes in the worker: wait for it before counting credentials.</summary>
    public static async Task WaitForProvisioningAsync(Stack stack, TimeSpan max)
    {
        var until = DateTime.UtcNow + max;
        while (DateTime.UtcNow < until)
        {
            await using var db = stack.Db();
            await db.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM resources WHERE state = 'provisioning'", db);
            if ((long)(await cmd.ExecuteScalarAsync())! == 0) return;
            await Task.Delay(1000);
        }
    }
}
