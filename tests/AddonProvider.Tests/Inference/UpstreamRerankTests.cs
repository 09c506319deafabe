using System.Net;
using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Inference;

/// <summary>amazon-rerank-1-0 routed to a Cohere-compatible upstream by configuration instead of the embedded ranker.</summary>
public sealed class UpstreamRerankFixture : InferenceFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["INFERENCE_UPSTREAM_AMAZON_RERANK_1_0_URL"] = Upstream.BaseAddress.ToString(),
        ["INFERENCE_UPSTREAM_AMAZON_RERANK_1_0_KEY"] = "rerank-upstream-key",
        ["INFERENCE_UPSTREAM_AMAZON_RERANK_1_0_MODEL"] = "amazon.rerank-v1:0",
    };
}

public sealed class UpstreamRerankTests(UpstreamRerankFixture app) : IClassFixture<UpstreamRerankFixture>
{
    [Fact]
    public async Task Rerank_ModelWithAnUpstream_IsRankedThereAndAnsweredInOurShape()
    {
        var (id, key) = await app.KeyAsync("amazon-rerank-1-0");
        var documents = new[] { "scale dynos", "logs " + id, "backups", "domains" };
        var body = await (await app.RerankAsync(key, new { model = "amazon-rerank-1-0", query = "scale dynos", documents, top_n = 2 }))
            .ExpectAsync(HttpStatusCode.OK);

        // The upstream ranks in reverse; the embedded ranker would have put "scale dynos" (index 0) first.
        Assert.Equal([3, 2], body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal("2", body.GetProperty("meta").GetProperty("api_version").GetProperty("version").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));

        var sent = app.Upstream.Received.Single(r => r.Body.ToJsonString().Contains("logs " + id));
        Assert.Equal("Bearer rerank-upstream-key", sent.Authorization);
        Assert.Equal("amazon.rerank-v1:0", sent.Body["model"]!.GetValue<string>());
        Assert.Equal(2, sent.Body["top_n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rerank_ModelWithoutAnUpstream_StillUsesTheEmbeddedRanker()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var body = await (await app.RerankAsync(key, new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale dynos", "logs", "backups" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, body.GetProperty("results")[0].GetProperty("index").GetInt32());
    }
}
