using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Dashboard;

public sealed class KafkaAndInferenceDashboardTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static Task<HttpResponseMessage> PostAsync(HttpClient client, Guid id, string action, params (string, string)[] fields) =>
        AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/{action}", fields.ToDictionary(f => f.Item1, f => f.Item2));

    [Fact]
    public async Task Topic_CreatedWithinLimits_IsStoredAndListed()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = await app.SsoLoginAsync(id);
        using var r = await PostAsync(client, id, "topics", ("name", "orders.v1"), ("partitions", "6"), ("retention_hours", "72"));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        await using var db = app.Db();
        var topic = await db.KafkaTopics.SingleAsync(t => t.ResourceId == id);
        Assert.Equal(($"{id:N}.orders.v1", 6, 72, (short)3), (topic.Name, topic.Partitions, topic.RetentionHours, topic.ReplicationFactor));
        Assert.Contains($"<td class=\"name\">{id:N}.orders.v1</td>", await client.GetStringAsync($"/dashboard/{id}/kafka"));
    }

    [Theory]
    [InlineData("..", "1", "24", "cannot be named")]
    [InlineData("bad name!", "1", "24", "1–216 characters")]
    [InlineData("ok", "4", "24", "Partitions must be between 1 and 3")]
    [InlineData("ok", "1", "25", "Retention must be between 1 and 24 hours")]
    public async Task Topic_BreakingNamingRulesOrPlanLimits_Is422AndNothingStored(string name, string partitions, string retention, string message)
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        var client = await app.SsoLoginAsync(id);
        using var r = await PostAsync(client, id, "topics", ("name", name), ("partitions", partitions), ("retention_hours", retention));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains(message, System.Net.WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
        await using var db = app.Db();
        Assert.False(await db.KafkaTopics.AnyAsync(t => t.ResourceId == id));
    }

    [Fact]
    public async Task Topic_OverThePlansTopicCount_IsRefused_AndDuplicatesConflict()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        var client = await app.SsoLoginAsync(id);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, id, "topics", ("name", $"t{i}"), ("partitions", "1"), ("retention_hours", "1"))).StatusCode);
        using var fourth = await PostAsync(client, id, "topics", ("name", "t3"), ("partitions", "1"), ("retention_hours", "1"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fourth.StatusCode);
        Assert.Contains("allows 3 topics", await fourth.Content.ReadAsStringAsync());

        await (await PostAsync(client, id, "topics/delete", ("name", $"{id:N}.t2"), ("confirm", $"{id:N}.t2"))).Content.ReadAsStringAsync();
        using var duplicate = await PostAsync(client, id, "topics", ("name", "t1"), ("partitions", "1"), ("retention_hours", "1"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Topic_DeleteNeedsTheNameTypedBack()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = await app.SsoLoginAsync(id);
        await PostAsync(client, id, "topics", ("name", "events"), ("partitions", "1"), ("retention_hours", "1"));
        using var unconfirmed = await PostAsync(client, id, "topics/delete", ("name", $"{id:N}.events"), ("confirm", "events"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.StatusCode);
        await using (var db = app.Db()) Assert.True(await db.KafkaTopics.AnyAsync(t => t.ResourceId == id));
        using var confirmed = await PostAsync(client, id, "topics/delete", ("name", $"{id:N}.events"), ("confirm", $"{id:N}.events"));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        await using (var db = app.Db()) Assert.False(await db.KafkaTopics.AnyAsync(t => t.ResourceId == id));
    }

    [Fact]
    public async Task ConsumerGroups_AreCreatedWithinTheQuotaAndDeleted()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        var client = await app.SsoLoginAsync(id);
        for (var i = 0; i < 3; i++) await PostAsync(client, id, "groups", ("group", $"g{i}"));
        using var over = await PostAsync(client, id, "groups", ("group", "g3"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, over.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, id, "groups/delete", ("group", $"{id:N}.g0"))).StatusCode);
        await using var db = app.Db();
        Assert.Equal([$"{id:N}.g1", $"{id:N}.g2"], await db.KafkaConsumerGroups.Where(g => g.ResourceId == id).OrderBy(g => g.Name).Select(g => g.Name).ToListAsync());
    }

    [Fact]
    public async Task Connection_PasswordIsMaskedUntilRevealed_AndSnippetsCarryTheValues()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var password = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_PASSWORD").GetString()!;
        var username = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString()!;
        var client = await app.SsoLoginAsync(id);
        var page = await client.GetStringAsync($"/dashboard/{id}/kafka");
        Assert.DoesNotContain(password, page);
        Assert.Contains($"SaslUsername = &quot;{username}&quot;", page);
        Assert.Contains("&quot;sasl.username&quot;: &quot;" + username, page);
        Assert.Contains("username: &#x27;" + username, page);

        using var revealed = await PostAsync(client, id, "reveal");
        Assert.Contains($"<code id=\"password\">{password}</code>", await revealed.Content.ReadAsStringAsync());
        Assert.Equal("no-store", revealed.Headers.CacheControl!.ToString());
    }

    [Theory]
    [InlineData("cohere-rerank-3-5", "/v1/rerank", "rerank")]
    [InlineData("kimi-k2-5", "/v1/chat/completions", "chat")]
    public async Task Inference_ShowsModelMaskedKeyAndTheCurlForItsKind(string plan, string path, string kind)
    {
        var (id, provisioned) = await app.ProvisionOkAsync("inference", plan);
        var key = provisioned.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        var client = await app.SsoLoginAsync(id);
        var page = await client.GetStringAsync($"/dashboard/{id}/inference");
        Assert.DoesNotContain(key, page);
        Assert.Contains($"{key[..4]}••••••••{key[^4..]}", System.Net.WebUtility.HtmlDecode(page));
        Assert.Contains($"<dt>Kind</dt><dd>{kind}</dd>", page);
        Assert.Contains($"{AppFixture.PublicBaseUrl}{path}", page);
        Assert.Contains($"&quot;model&quot;: &quot;{plan}&quot;", page);

        using var revealed = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/inference", $"/dashboard/{id}/inference/reveal", new Dictionary<string, string>());
        Assert.Contains($"<code id=\"key-value\">{key}</code>", await revealed.Content.ReadAsStringAsync());
    }
}
