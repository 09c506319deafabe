using System.Net;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Heroku;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Hangfire;
using Hangfire.Storage;

namespace AddonProvider.Tests.Kafka;

/// <summary>A clock that stands still, so provisions can be made hours apart and the window's edge is exact.</summary>
public sealed class KafkaSweepFixture : HerokuFixture
{
    // Whole seconds, so timestamps written with it compare equal after a round trip through PostgreSQL.
    public override TimeProvider Clock { get; } = new TestClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    public TestClock TestClock => (TestClock)Clock;

    /// <summary>
    /// The tests run the sweep themselves. Hangfire's own schedule of it fires on real time every 10 minutes, and a
    /// run that landed inside a test (with the test's clock 12 hours ahead) failed a resource before the test's sweep.
    /// So once the worker has registered its recurring jobs, this one is taken off the schedule.
    /// </summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var storage = App.Services.GetRequiredService<JobStorage>();
        await Eventually(() =>
        {
            using var connection = storage.GetConnection();
            return Task.FromResult(connection.GetRecurringJobs().Any(j => j.Id == KafkaJobKinds.SweepProvisioning));
        }, "the recurring jobs to be registered");
        App.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(KafkaJobKinds.SweepProvisioning);
    }
}

/// <summary>The 10-minute kafka.sweep-provisioning job (ASYNC_PROVISION_WINDOW is the default 12 hours here).</summary>
public sealed class KafkaSweepTests(KafkaSweepFixture app) : IClassFixture<KafkaSweepFixture>
{
    private async Task<long> LastOutboxIdAsync()
    {
        await using var db = app.Db();
        return await db.Outbox.MaxAsync(m => (long?)m.Id) ?? 0;
    }

    private async Task<List<(string Kind, string Argument)>> OutboxSinceAsync(long id)
    {
        await using var db = app.Db();
        return (await db.Outbox.AsNoTracking().Where(m => m.Id > id).OrderBy(m => m.Id).Select(m => new { m.Kind, m.Argument }).ToListAsync())
            .Select(m => (m.Kind, m.Argument)).ToList();
    }

    /// <summary>
    /// An asynchronous KafkaCluster provision that nothing will finish: its grant is never exchanged (refused by
    /// Heroku, or already expired by the app's clock), so it stays `provisioning` with no Platform API token.
    /// </summary>
    private async Task<Guid> StuckProvisionAsync(bool refuseGrant)
    {
        var id = Guid.NewGuid();
        if (refuseGrant) app.Heroku.FailNext(400, count: 1, pathContains: "/oauth/token");
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.AuditLog.AnyAsync(a => a.ResourceId == id && (a.Action == "oauth_grant_rejected" || a.Action == "oauth_grant_expired"));
        }, $"the grant of {id} to be given up");
        Assert.Equal(ResourceState.Provisioning, await app.StateAsync(id));
        return id;
    }

    /// <summary>Waits until Hangfire's latest job for the resource has run (succeeded, or failed into a retry).</summary>
    private Task WaitForJobRunAsync(Guid id, int jobs) =>
        Eventually(async () =>
            (await app.HangfireJobsAsync(KafkaJobKinds.FinishProvisioning, id.ToString())) is var states && states.Count >= jobs && states[^1].Split('|')[0] is "Succeeded" or "Scheduled",
            because: $"finishing job {jobs} for {id} to have run",
            state: async () => $"jobs: {string.Join("; ", await app.HangfireJobsAsync(KafkaJobKinds.FinishProvisioning, id.ToString()))}");

    private async Task<string> SnapshotAsync(params Guid[] ids)
    {
        await using var db = app.Db();
        var rows = new List<object>();
        foreach (var id in ids)
            rows.Add(new
            {
                id,
                state = (await db.Resources.AsNoTracking().SingleAsync(r => r.Id == id)).State,
                audit = await db.AuditLog.Where(a => a.ResourceId == id).OrderBy(a => a.Id).Select(a => new { a.Id, a.Action, a.Detail }).ToListAsync(),
                heroku = app.Heroku.Calls.Count(c => c.ResourceIs(id, app.Heroku)),
            });
        return JsonSerializer.Serialize(rows);
    }

    [Fact]
    public async Task Sweep_FailsWhatOutlivedTheWindow_RetriesWhatIsInside_LeavesTheNewAlone_AndIsIdempotent()
    {
        var t0 = app.TestClock.Now;
        var expired = await StuckProvisionAsync(refuseGrant: true);
        app.TestClock.Now = t0.AddMinutes(2);
        var inside = await StuckProvisionAsync(refuseGrant: true);
        app.TestClock.Now = t0.AddHours(12).AddMinutes(1); // expired: 12 h 1 min old; inside: 11 h 59 min
        var recent = await StuckProvisionAsync(refuseGrant: false); // its grant expired by this clock; younger than the 10-minute grace
        var outboxMark = await LastOutboxIdAsync();
        var callMark = app.LastCallSeq;
        try
        {
            await app.RunJobAsync(KafkaJobKinds.SweepProvisioning, "");

            // The two older ones get another finishing attempt; the new one is left to its own first attempt.
            Assert.Equal(
                new[] { expired, inside }.Select(id => (KafkaJobKinds.FinishProvisioning, id.ToString())).Order(),
                (await OutboxSinceAsync(outboxMark)).Order());

            // Past the window: failed, the reason audited, and Heroku is neither given config nor told it is provisioned.
            await app.WaitForStateAsync(expired, ResourceState.Failed);
            await using (var db = app.Db())
            {
                var failed = await db.AuditLog.SingleAsync(a => a.ResourceId == expired && a.Action == "provision_failed");
                Assert.Equal(FinishKafkaProvisioningJob.Actor, failed.Actor);
                Assert.Contains("12 hours", failed.Detail);
                Assert.Equal(app.TestClock.Now.UtcDateTime, failed.At);
            }

            // Inside the window: the attempt ran (and failed for want of a token, to be retried); the resource stays provisioning.
            await WaitForJobRunAsync(inside, jobs: 1);
            // Hangfire cuts the reason short; "Resource {id} has" is how NoPlatformTokenException's message begins.
            Assert.StartsWith($"Scheduled|Retry attempt 1 of 12: Resource {inside} has", (await app.HangfireJobsAsync(KafkaJobKinds.FinishProvisioning, inside.ToString()))[^1]);
            Assert.Contains(app.Logs, l => l.Contains($"{KafkaJobKinds.FinishProvisioning} {inside} failed"));
            Assert.Equal(ResourceState.Provisioning, await app.StateAsync(inside));
            Assert.Equal(ResourceState.Provisioning, await app.StateAsync(recent));
            Assert.Empty(await app.HangfireJobsAsync(KafkaJobKinds.FinishProvisioning, recent.ToString()));
            await using (var db = app.Db())
                Assert.False(await db.AuditLog.AnyAsync(a => (a.ResourceId == inside || a.ResourceId == recent) && a.Action == "provision_failed"));
            Assert.DoesNotContain(app.Heroku.Calls, c => c.Seq > callMark); // no config, no actions/provision for anyone

            // A second sweep: the failed one is no longer swept; the one inside its window gets one more attempt, which changes nothing.
            var snapshot = await SnapshotAsync(expired, inside, recent);
            outboxMark = await LastOutboxIdAsync();
            await app.RunJobAsync(KafkaJobKinds.SweepProvisioning, "");
            Assert.Equal([(KafkaJobKinds.FinishProvisioning, inside.ToString())], await OutboxSinceAsync(outboxMark));
            await WaitForJobRunAsync(inside, jobs: 2);
            Assert.Equal(snapshot, await SnapshotAsync(expired, inside, recent));
        }
        finally
        {
            // Deprovisioned, the retries of the failing attempts return early.
            await app.DeprovisionAsync("kafkacluster", inside);
            await app.DeprovisionAsync("kafkacluster", recent);
        }
    }
}
