using AddonProvider.Web;
using System.Net;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Provisioning;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Provisioning;

public sealed class ProvisionTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("mobiloud", "test")]
    [InlineData("kafkacluster", "free")]
    [InlineData("inference", "cohere-rerank-3-5")]
    public async Task Provision_EachProduct_ReturnsUuidAsIdAndExactlyTheManifestConfigVars(string product, string plan)
    {
        var uuid = Guid.NewGuid();
        var body = await (await app.ProvisionAsync(product, plan, uuid)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(uuid.ToString(), body.GetProperty("id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
        var config = body.GetProperty("config").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(AddonProviderApp.Products.Single(p => p.Id == product).ConfigVarNames.Order(), config.Keys.Order());
        Assert.All(config.Values, v => Assert.False(string.IsNullOrEmpty(v)));

        await using var db = app.Db();
        var row = await db.Resources.SingleAsync(r => r.Id == uuid);
        Assert.Equal((product, plan, ResourceState.Provisioned, "us"), (row.ProductId, row.PlanSlug, row.State, row.Region));
        if (product == "mobiloud")
            Assert.Equal($"{AppFixture.PublicBaseUrl}/dashboard/{uuid}", config["MOBILOUD_URL"]);
    }

    [Fact]
    public async Task Provision_Kafka_IssuesAUniqueUserAndALongPasswordStoredEncrypted()
    {
        var (id, body) = await app.ProvisionOkAsync("kafkacluster", "basic-0");
        var (_, other) = await app.ProvisionOkAsync("kafkacluster", "basic-0");
        var config = body.GetProperty("config");
        var password = config.GetProperty("KAFKACLUSTER_PASSWORD").GetString()!;

        Assert.True(password.Length >= 32);
        Assert.Equal("SCRAM-SHA-512", config.GetProperty("KAFKACLUSTER_SASL_METHOD").GetString());
        Assert.Equal("localhost:9092", config.GetProperty("KAFKACLUSTER_BROKERS").GetString());
        Assert.NotEqual(config.GetProperty("KAFKACLUSTER_USERNAME").GetString(), other.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString());

        await using var db = app.Db();
        var credential = await db.Credentials.SingleAsync(c => c.ResourceId == id);
        Assert.DoesNotContain(password, credential.SecretCiphertext);
        Assert.StartsWith("v1.", credential.SecretCiphertext);
    }

    [Fact]
    public async Task Provision_Inference_IssuesAnInfKeyStoredEncryptedWithALookupHash()
    {
        var (id, body) = await app.ProvisionOkAsync("inference", "amazon-rerank-1-0", region: "eu");
        var config = body.GetProperty("config");
        var key = config.GetProperty("INFERENCE_KEY").GetString()!;

        Assert.StartsWith("inf-", key);
        Assert.Equal("amazon-rerank-1-0", config.GetProperty("INFERENCE_MODEL_ID").GetString());
        Assert.Equal(AppFixture.PublicBaseUrl, config.GetProperty("INFERENCE_URL").GetString());

        await using var db = app.Db();
        var credential = await db.Credentials.SingleAsync(c => c.ResourceId == id);
        Assert.DoesNotContain(key, credential.SecretCiphertext);
        Assert.Equal(32, credential.LookupHash!.Length);
    }

    [Fact]
    public async Task Provision_SameUuidTwice_ReturnsSameIdAndConfigAndOneRow()
    {
        var uuid = Guid.NewGuid();
        var first = await (await app.ProvisionAsync("inference", "cohere-rerank-3-5", uuid)).ExpectAsync(HttpStatusCode.OK);
        var second = await (await app.ProvisionAsync("inference", "cohere-rerank-3-5", uuid)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(first.GetProperty("config").ToString(), second.GetProperty("config").ToString());
        await using var db = app.Db();
        Assert.Equal(1, await db.Resources.CountAsync(r => r.Id == uuid));
        Assert.Equal(1, await db.Credentials.CountAsync(c => c.ResourceId == uuid));
    }

    [Fact]
    public async Task Provision_RepeatAfterPlanChange_StillAnswersTheOriginalRequest()
    {
        var uuid = Guid.NewGuid();
        var first = await (await app.ProvisionAsync("kafkacluster", "free", uuid)).ExpectAsync(HttpStatusCode.OK);
        await (await app.ChangePlanAsync("kafkacluster", uuid, "basic-1")).ExpectAsync(HttpStatusCode.OK);

        var repeat = await (await app.ProvisionAsync("kafkacluster", "free", uuid)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("config").ToString(), repeat.GetProperty("config").ToString());
        await (await app.ProvisionAsync("kafkacluster", "basic-1", uuid)).ExpectProblemAsync(HttpStatusCode.Conflict, "free plan");
    }

    [Fact]
    public async Task Provision_SameUuidForAnotherProduct_Is409AndChangesNothing()
    {
        var (uuid, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        await (await app.ProvisionAsync("kafkacluster", "free", uuid)).ExpectProblemAsync(HttpStatusCode.Conflict, "different add-on");

        await using var db = app.Db();
        var row = await db.Resources.SingleAsync(r => r.Id == uuid);
        Assert.Equal(("mobiloud", "starter"), (row.ProductId, row.PlanSlug));
        Assert.Equal(0, await db.Credentials.CountAsync(c => c.ResourceId == uuid));
    }

    [Fact]
    public async Task Provision_25ParallelIdenticalRequests_CreateExactlyOneResource()
    {
        var uuid = Guid.NewGuid();
        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => app.ProvisionAsync("kafkacluster", "starter", uuid)));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync(HttpStatusCode.OK)));

        Assert.Single(bodies.Select(b => b.GetProperty("config").ToString()).Distinct());
        await using var db = app.Db();
        Assert.Equal(1, await db.Resources.CountAsync(r => r.Id == uuid));
        Assert.Equal(1, await db.Credentials.CountAsync(c => c.ResourceId == uuid));
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.ResourceId == uuid && a.Action == "provision"));
    }

    [Theory]
    [InlineData("mobiloud", "gold", "MobiLoud has no plan 'gold'. Plans: test, starter, essential")]
    [InlineData("kafkacluster", "starter-x", "KafkaCluster has no plan 'starter-x'. Plans: free, starter, basic-0, basic-1")]
    [InlineData("mobiloud", "free", "MobiLoud has no plan 'free'")] // a plan of another product
    [InlineData("inference", "<script>", "Inference has no plan with that name")]
    public async Task Provision_UnknownPlan_Is422NamingThePlansAndCreatesNothing(string product, string plan, string message)
    {
        var uuid = Guid.NewGuid();
        await (await app.ProvisionAsync(product, plan, uuid)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, message);
        await using var db = app.Db();
        Assert.False(await db.Resources.AnyAsync(r => r.Id == uuid));
    }

    [Theory]
    [InlineData("amazon-web-services::eu-central-1", "eu")]
    [InlineData("amazon-web-services::eu-west-1", "eu")]
    [InlineData("amazon-web-services::us-west-2", "us")]
    [InlineData("eu", "eu")]
    [InlineData("us", "us")]
    public async Task Provision_HerokuRegionNames_MapToOurRegions(string heroku, string ours)
    {
        var uuid = Guid.NewGuid();
        await (await app.ProvisionAsync("mobiloud", "test", uuid, heroku)).ExpectAsync(HttpStatusCode.OK);
        await using var db = app.Db();
        Assert.Equal(ours, (await db.Resources.SingleAsync(r => r.Id == uuid)).Region);
    }

    [Fact]
    public async Task Provision_UnsupportedRegion_Is422NamingTheSupportedOnes()
    {
        var response = await app.ProvisionAsync("mobiloud", "test", region: "amazon-web-services::ap-northeast-1");
        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "Supported regions: us (amazon-web-services::us-east-1");
    }

    [Fact]
    public async Task Provision_ChatModelInEu_Is422NamingTheModelsRegions()
    {
        var response = await app.ProvisionAsync("inference", "qwen3-235b", region: "amazon-web-services::eu-west-1");
        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "qwen3-235b is only available in us, not in eu");
    }

    [Fact]
    public async Task Provision_StandardPlan_TakesTheModelFromOptions()
    {
        var (_, body) = await app.ProvisionOkAsync("inference", "standard", options: new { model = "kimi-k2-5" });
        Assert.Equal("kimi-k2-5", body.GetProperty("config").GetProperty("INFERENCE_MODEL_ID").GetString());

        await (await app.ProvisionAsync("inference", "standard", options: new { model = "gpt-9" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "no model with that id. Models in region us: amazon-rerank-1-0, cohere-rerank-3-5");
        await (await app.ProvisionAsync("inference", "cohere-rerank-3-5", options: new { model = "kimi-k2-5" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "bound to the model cohere-rerank-3-5");
    }

    [Fact]
    public async Task Provision_StandardPlanWithoutModel_AsInHerokusSeed_IssuesKeyAndUrlOnly()
    {
        // `heroku addons:create heroku-inference:standard`: no --model; each request names its model.
        var (id, body) = await app.ProvisionOkAsync("inference", "standard");
        var config = body.GetProperty("config").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["INFERENCE_KEY", "INFERENCE_URL"], config);
        Assert.Contains("name a model in each request", body.GetProperty("message").GetString());
        await using var db = app.Db();
        Assert.Null((await db.Resources.SingleAsync(r => r.Id == id)).ModelId);
    }

    [Fact]
    public async Task Provision_LegacyBodyWithHerokuIdAndUnknownFields_IsAccepted()
    {
        var uuid = Guid.NewGuid();
        var body = $$"""{"heroku_id":"app123@kensa.heroku.com","uuid":"{{uuid}}","plan":"test","region":"amazon-web-services::us-east-1","logplex_token":null,"callback_url":"http://localhost:7779/callback/999","future_field":{"nested":[1,2,3]},"options":{},"z":0}""";
        var response = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", body, "mobiloud"));
        var json = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(uuid.ToString(), json.GetProperty("id").GetString());
        Assert.DoesNotContain("123", json.GetProperty("id").GetString()!.Replace(uuid.ToString(), ""));
    }

    [Theory]
    [InlineData("""{"plan":"test"}""", HttpStatusCode.BadRequest, "uuid is required")]
    [InlineData("""{"uuid":"not-a-uuid","plan":"test"}""", HttpStatusCode.BadRequest, "uuid must be a UUID")]
    [InlineData("""{"uuid":"6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11"}""", HttpStatusCode.BadRequest, "plan is required")]
    [InlineData("""{"uuid":"6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11","plan":42}""", HttpStatusCode.BadRequest, "wrong type at $.plan")]
    [InlineData("""{"uuid": "6c9d7e36-1b7c""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("""[1,2,3]""", HttpStatusCode.BadRequest, "could not be read")]
    [InlineData("""null""", HttpStatusCode.BadRequest, "must be a JSON object")]
    [InlineData("", HttpStatusCode.BadRequest, "empty")]
    public async Task Provision_BadBody_IsAClearErrorAndCreatesNothing(string body, HttpStatusCode status, string message)
    {
        await using var db = app.Db();
        var before = await db.Resources.CountAsync();
        var response = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", body, "mobiloud"));
        await response.ExpectProblemAsync(status, message);
        Assert.Equal(before, await db.Resources.CountAsync());
    }

    [Fact]
    public async Task Provision_BodyOver64KiB_Is413()
    {
        var uuid = Guid.NewGuid();
        var body = JsonSerializer.Serialize(new { uuid, plan = "test", name = new string('a', 70 * 1024) });
        var response = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", body, "mobiloud"));
        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "too large");
        await using var db = app.Db();
        Assert.False(await db.Resources.AnyAsync(r => r.Id == uuid));
    }

    [Fact]
    public async Task Provision_WritesAnAuditRowWithTheRoutersRequestId()
    {
        var uuid = Guid.NewGuid();
        var request = app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(uuid, "essential"), "mobiloud");
        request.Headers.Add("X-Request-Id", "req-abc-123");
        var response = await app.Client.SendAsync(request);
        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("req-abc-123", response.Headers.GetValues("X-Request-Id").Single());

        await using var db = app.Db();
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == uuid);
        Assert.Equal(("heroku:mobiloud", "provision", "essential/provisioned", "req-abc-123"), (audit.Actor, audit.Action, audit.After, audit.RequestId));
    }
}
