using AddonProvider.Web.Kafka;
using System.Net;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Heroku;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Kafka;

public sealed class AsyncKafkaProvisioningTests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    private List<Simulator.RecordedCall> PlatformCalls(Guid id) =>
        app.Heroku.CallsFor(id).Where(c => c.Path.StartsWith("/addons/")).ToList();

    /// <summary>The calls that change the add-on on Heroku's side (not the owner-email reads).</summary>
    private List<Simulator.RecordedCall> LifecycleCalls(Guid id) =>
        PlatformCalls(id).Where(c => c.Method != "GET").ToList();

    [Fact]
    public async Task ProvisionWithGrant_Answers202WithoutConfig_ThenPatchesConfigThenMarksProvisioned()
    {
        var id = Guid.NewGuid();
        app.Heroku.HoldNext($"/addons/{id}/config"); // keeps it provisioning while we repeat the request
        var first = await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal(id.ToString(), first.GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("message").GetString()));
        Assert.False(first.TryGetProperty("config", out _), "a 202 carries no config");

        await app.WaitForCallAsync(c => c.Path == $"/addons/{id}/config" && c.Status == 0, "the config PATCH to arrive (held)");
        var repeat = await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal(first.ToString(), repeat.ToString());
        Assert.Equal(ResourceState.Provisioning, await app.StateAsync(id));
        app.Heroku.Release();

        await app.WaitForStateAsync(id, ResourceState.Provisioned);
        var calls = PlatformCalls(id);
        var patch = calls.Single(c => c.Method == "PATCH");
        var provision = calls.Single(c => c.Path == $"/addons/{id}/actions/provision");
        Assert.True(patch.Seq < provision.Seq, "config PATCH before actions/provision");
        Assert.Equal(200, patch.Status);
        Assert.Equal("provisioned", app.Heroku.Addons[id].State);

        await using var db = app.Db();
        var credential = await db.Credentials.SingleAsync(c => c.ResourceId == id);
        var config = app.Heroku.Addons[id].Config;
        Assert.Equal(["KAFKACLUSTER_BROKERS", "KAFKACLUSTER_PASSWORD", "KAFKACLUSTER_PREFIX", "KAFKACLUSTER_SASL_METHOD", "KAFKACLUSTER_USERNAME"], config.Keys.Order());
        Assert.Equal($"{id:N}.", config["KAFKACLUSTER_PREFIX"]);
        Assert.Equal(credential.Username, config["KAFKACLUSTER_USERNAME"]);
        Assert.True(config["KAFKACLUSTER_PASSWORD"].Length >= 32);
        Assert.Equal(credential.Username, (await db.KafkaUsers.SingleAsync(u => u.ResourceId == id)).Username);
        Assert.NotEmpty(await db.KafkaAcls.Where(a => a.ResourceId == id && a.Principal == "User:" + credential.Username).ToListAsync());
        var quota = await db.KafkaQuotas.SingleAsync(q => q.ResourceId == id);
        Assert.Equal(("free", 6, 6), (quota.PlanSlug, quota.ProduceKbps, quota.ConsumeKbps));

        // Once provisioned, a repeat gets the config like any synchronous provision.
        var after = await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(config["KAFKACLUSTER_PASSWORD"], after.GetProperty("config").GetProperty("KAFKACLUSTER_PASSWORD").GetString());
        // A deprovision removes the cluster user as well.
        await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);
        await Eventually(async () =>
        {
            await using var cleaned = app.Db();
            return !await cleaned.KafkaUsers.AnyAsync(u => u.ResourceId == id) && !await cleaned.KafkaAcls.AnyAsync(a => a.ResourceId == id);
        }, "the cluster user and its ACLs to be removed");
    }

    [Fact]
    public async Task ServerErrorsAndRateLimits_FromHeroku_AreRetriedToSuccess()
    {
        var id = Guid.NewGuid();
        app.Heroku.FailNext(500, count: 2, pathContains: $"/addons/{id}/config");
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForStateAsync(id, ResourceState.Provisioned);
        Assert.Equal([500, 500, 200], PlatformCalls(id).Where(c => c.Method == "PATCH").Select(c => c.Status));

        var other = Guid.NewGuid();
        app.Heroku.FailNext(429, count: 1, retryAfterSeconds: 2, pathContains: $"/addons/{other}/actions/provision");
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", other)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForStateAsync(other, ResourceState.Provisioned);
        var attempts = PlatformCalls(other).Where(c => c.Path.EndsWith("/actions/provision")).ToList();
        Assert.Equal([429, 200], attempts.Select(c => c.Status));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1.9), "the retry waited as long as Retry-After asked");
    }

    [Fact]
    public async Task FinishingJob_RunTwice_ChangesNothingTheSecondTime()
    {
        var id = Guid.NewGuid();
        await (await app.ProvisionWithGrantAsync("kafkacluster", "starter", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForStateAsync(id, ResourceState.Provisioned);
        await using var db = app.Db();
        await Eventually(async () => (await db.Resources.AsNoTracking().SingleAsync(r => r.Id == id)).OwnerEmail is not null,
            "the owner-email job to have finished too");
        async Task<string> SnapshotAsync() => JsonSerializer.Serialize(new
        {
            calls = app.Heroku.CallsFor(id).Count,
            audit = await db.AuditLog.CountAsync(a => a.ResourceId == id),
            users = await db.KafkaUsers.Where(u => u.ResourceId == id).Select(u => u.Username).ToListAsync(),
            acls = await db.KafkaAcls.CountAsync(a => a.ResourceId == id),
            quota = await db.KafkaQuotas.Where(q => q.ResourceId == id).Select(q => new { q.PlanSlug, q.UpdatedAt }).SingleAsync(),
            state = await app.StateAsync(id),
        });
        var before = await SnapshotAsync();

        foreach (var kind in new[] { KafkaJobKinds.FinishProvisioning, KafkaJobKinds.SetUpCluster, JobKinds.ExchangeGrant })
        {
            await app.RunJobAsync(kind, id.ToString());
            await app.RunJobAsync(kind, id.ToString());
        }
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Deprovision_WhileProvisioning_StopsTheConfigPatchAndActionsProvision()
    {
        var id = Guid.NewGuid();
        app.Heroku.HoldNext("/oauth/token"); // the grant exchange waits: the deprovision lands first
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForCallAsync(c => c.Path == "/oauth/token" && c.Status == 0, "the grant exchange to arrive (held)");
        await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);
        app.Heroku.Release();

        // The exchange finishes; the finishing job, even when run (by a sweep, say), finds the resource gone.
        await app.WaitForCallAsync(c => c.ResourceIs(id, app.Heroku) && c.GrantType == "authorization_code" && c.Status == 200, "the exchange to finish");
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.HerokuTokens.AnyAsync(t => t.ResourceId == id && t.AccessTokenCiphertext != null);
        }, "the tokens to be stored");
        await app.RunJobAsync(KafkaJobKinds.FinishProvisioning, id.ToString());
        await app.WaitForJobsToFinishAsync(id.ToString()); // and whatever the exchange queued has run too

        Assert.Empty(LifecycleCalls(id));
        Assert.Equal(ResourceState.Deprovisioned, await app.StateAsync(id));
    }

    [Fact]
    public async Task Provisioning_PastTheWindow_IsMarkedFailedWithTheReasonInTheAuditLog()
    {
        var id = Guid.NewGuid();
        app.Heroku.HoldNext("/oauth/token");
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForCallAsync(c => c.Path == "/oauth/token" && c.Status == 0, "the grant exchange to arrive (held)");
        await using (var db = app.Db())
            await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, DateTime.UtcNow.AddHours(-13)));
        app.Heroku.Release();

        await app.WaitForStateAsync(id, ResourceState.Failed);
        await using var check = app.Db();
        var failed = await check.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "provision_failed");
        Assert.Contains("12 hours", failed.Detail);
        Assert.Empty(LifecycleCalls(id));
    }

    [Fact]
    public async Task PlanChange_ReappliesQuotasThroughAJob()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "free"); // no grant: synchronous, set up by a job
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.KafkaQuotas.AnyAsync(q => q.ResourceId == id && q.PlanSlug == "free")
                && await db.KafkaUsers.AnyAsync(u => u.ResourceId == id);
        }, "the synchronous cluster's user and quotas");

        await (await app.ChangePlanAsync("kafkacluster", id, "basic-0")).ExpectAsync(HttpStatusCode.OK);
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.KafkaQuotas.AnyAsync(q => q.ResourceId == id && q.PlanSlug == "basic-0" && q.ProduceKbps == 64 && q.ConsumeKbps == 256);
        }, "the basic-0 quotas");
    }
}
