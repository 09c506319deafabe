using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Provisioning;

public sealed class PlanChangeAndDeprovisionTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task ChangePlan_ToAnotherPlan_Answers200WithMessageAndAudits()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var body = await (await app.ChangePlanAsync("mobiloud", id, "executive")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Plan changed from test to executive.", body.GetProperty("message").GetString());
        Assert.False(body.TryGetProperty("config", out _));
        await using var db = app.Db();
        Assert.Equal("executive", (await db.Resources.SingleAsync(r => r.Id == id)).PlanSlug);
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "plan_change");
        Assert.Equal(("test", "executive"), (audit.Before, audit.After));
    }

    [Fact]
    public async Task ChangePlan_PathIdIsAuthoritative_BodyUuidIgnored()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var (other, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var request = app.Partner(HttpMethod.Put, $"/heroku/resources/{id}", new { plan = "basic", uuid = other, heroku_id = "app1@kensa.heroku.com" }, "mobiloud");
        await (await app.Client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);

        await using var db = app.Db();
        Assert.Equal("basic", (await db.Resources.SingleAsync(r => r.Id == id)).PlanSlug);
        Assert.Equal("test", (await db.Resources.SingleAsync(r => r.Id == other)).PlanSlug);
    }

    [Fact]
    public async Task ChangePlan_ToTheSamePlan_IsANoOp()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var body = await (await app.ChangePlanAsync("kafkacluster", id, "starter")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("nothing changed", body.GetProperty("message").GetString());
        await using var db = app.Db();
        Assert.False(await db.AuditLog.AnyAsync(a => a.ResourceId == id && a.Action == "plan_change"));
    }

    [Theory]
    [InlineData("platinum", "no plan 'platinum'")]
    [InlineData("executive", "no plan 'executive'")] // a MobiLoud plan, on a Kafka resource
    public async Task ChangePlan_UnknownPlan_Is422AndChangesNothing(string plan, string message)
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        await (await app.ChangePlanAsync("kafkacluster", id, plan)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, message);
        await using var db = app.Db();
        Assert.Equal("starter", (await db.Resources.SingleAsync(r => r.Id == id)).PlanSlug);
    }

    [Fact]
    public async Task ChangePlan_KafkaDowngradeOverQuota_Is422NamingWhatIsOver()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "basic-0");
        await using (var db = app.Db())
        {
            for (var i = 0; i < 4; i++)
                db.KafkaTopics.Add(new KafkaTopic { ResourceId = id, Name = $"orders-{i}", Partitions = i == 0 ? 12 : 1, ReplicationFactor = 3, RetentionHours = 24, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var message = await (await app.ChangePlanAsync("kafkacluster", id, "free")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "4 topics, the plan allows 3");
        Assert.Contains("a topic with 12 partitions, the plan allows 3 per topic", message);
        await (await app.ChangePlanAsync("kafkacluster", id, "basic-1")).ExpectAsync(HttpStatusCode.OK); // an upgrade is fine

        await using var check = app.Db();
        Assert.Equal("basic-1", (await check.Resources.SingleAsync(r => r.Id == id)).PlanSlug);
    }

    [Fact]
    public async Task ChangePlan_InferenceModelPlan_ReturnsTheNewModelIdInConfig()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("inference", "qwen3-235b");
        var body = await (await app.ChangePlanAsync("inference", id, "kimi-k2-5")).ExpectAsync(HttpStatusCode.OK);

        var config = body.GetProperty("config");
        Assert.Equal("kimi-k2-5", config.GetProperty("INFERENCE_MODEL_ID").GetString());
        Assert.Equal(provisioned.GetProperty("config").GetProperty("INFERENCE_KEY").GetString(), config.GetProperty("INFERENCE_KEY").GetString());

        // Heroku lost that answer and retries: nothing changes again, and the retry still carries the new config.
        var retried = await (await app.ChangePlanAsync("inference", id, "kimi-k2-5")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Already on the kimi-k2-5 plan; nothing changed.", retried.GetProperty("message").GetString());
        Assert.Equal(config.ToString(), retried.GetProperty("config").ToString());
        await using var db = app.Db();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.ResourceId == id && a.Action == "plan_change"));
    }

    [Fact]
    public async Task ChangePlan_InferenceToAModelNotInTheRegion_Is422()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5", region: "eu");
        await (await app.ChangePlanAsync("inference", id, "minimax-m2")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "only available in us, not in eu");
    }

    [Fact]
    public async Task ChangePlan_UnknownOrForeignResource_Is404()
    {
        await (await app.ChangePlanAsync("mobiloud", Guid.NewGuid(), "basic")).ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        var (kafka, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        await (await app.ChangePlanAsync("mobiloud", kafka, "basic")).ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        var traversal = app.Partner(HttpMethod.Put, "/heroku/resources/..%2F..%2Fetc%2Fpasswd", new { plan = "basic" }, "mobiloud");
        await (await app.Client.SendAsync(traversal)).ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
    }

    [Fact]
    public async Task Deprovision_RevokesAtOnce_KeepsData_AndRepeatsAre204()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        await (await app.DeprovisionAsync("inference", id)).ExpectAsync(HttpStatusCode.NoContent);
        await (await app.DeprovisionAsync("inference", id)).ExpectAsync(HttpStatusCode.NoContent);

        await using var db = app.Db();
        var row = await db.Resources.SingleAsync(r => r.Id == id);
        Assert.Equal(ResourceState.Deprovisioned, row.State);
        Assert.NotNull(row.DeprovisionedAt);
        Assert.All(await db.Credentials.Where(c => c.ResourceId == id).ToListAsync(), c => Assert.NotNull(c.RevokedAt));
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.ResourceId == id && a.Action == "deprovision"));

        await (await app.ChangePlanAsync("inference", id, "amazon-rerank-1-0")).ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        await (await app.ProvisionAsync("inference", "cohere-rerank-3-5", id)).ExpectProblemAsync(HttpStatusCode.Gone, "was deprovisioned; it cannot be provisioned again");
        await (await app.ProvisionAsync("inference", "amazon-rerank-1-0", id)).ExpectProblemAsync(HttpStatusCode.Gone, "was deprovisioned");
        await (await app.ProvisionAsync("mobiloud", "test", id)).ExpectProblemAsync(HttpStatusCode.Conflict, "different add-on");
        using (var wrongPassword = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(id, "cohere-rerank-3-5"), "inference", password: "wrong")))
            Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode); // authentication still comes first
        await using var after = app.Db();
        Assert.Equal(ResourceState.Deprovisioned, (await after.Resources.SingleAsync(r => r.Id == id)).State);
        Assert.Equal(1, await after.AuditLog.CountAsync(a => a.ResourceId == id && a.Action == "provision"));
    }

    [Fact]
    public async Task Deprovision_UnknownOrForeignResource_Is404AndChangesNothing()
    {
        await (await app.DeprovisionAsync("mobiloud", Guid.NewGuid())).ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        var (kafka, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        await (await app.DeprovisionAsync("mobiloud", kafka)).ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        await using var db = app.Db();
        Assert.Equal(ResourceState.Provisioned, (await db.Resources.SingleAsync(r => r.Id == kafka)).State);
    }
}
