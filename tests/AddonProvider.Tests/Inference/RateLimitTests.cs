using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Inference;

/// <summary>The catalog's limits scaled by 0.02 (cohere-rerank-3-5: 5/min, qwen3-235b: 3/min and 16,000 tokens/min), so a test can reach them.</summary>
public sealed class ScaledLimitsFixture : InferenceFixture
{
    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["INFERENCE_RATE_LIMIT_SCALE"] = "0.02" };
}

public sealed class RateLimitTests(ScaledLimitsFixture app) : IClassFixture<ScaledLimitsFixture>
{
    private static readonly object Rerank = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos" } };

    private static object Chat(int maxTokens, string content = "hi", bool stream = false) =>
        new { model = "qwen3-235b", max_tokens = maxTokens, stream, messages = new[] { new { role = "user", content } } };

    [Fact]
    public async Task Rerank_OverRequestsPerMinute_Is429WithRetryAfterAndHeaders()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        for (var i = 0; i < 5; i++)
        {
            using var ok = await app.RerankAsync(key, Rerank);
            await ok.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal((4 - i).ToString(), ok.Header("x-ratelimit-remaining-requests"));
        }

        using var refused = await app.RerankAsync(key, Rerank);
        await refused.ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error",
            "Rate limit exceeded: 5 requests per minute for cohere-rerank-3-5. Retry after the time in the Retry-After header.");
        Assert.InRange(int.Parse(refused.Header("Retry-After")), 1, 60);
        Assert.Equal("5", refused.Header("x-ratelimit-limit-requests"));
        Assert.Equal("0", refused.Header("x-ratelimit-remaining-requests"));
        Assert.Matches("^[1-6]?[0-9]s$", refused.Header("x-ratelimit-reset-requests"));
    }

    [Fact]
    public async Task RotatedKey_SharesItsResourcesBudget_AndOtherModelsHaveTheirOwn()
    {
        var (id, oldKey) = await app.KeyAsync("standard", options: new { model = "cohere-rerank-3-5" });
        var newKey = await app.RotateKeyAsync(id);
        for (var i = 0; i < 3; i++) await (await app.RerankAsync(oldKey, Rerank)).ExpectAsync(HttpStatusCode.OK);
        for (var i = 0; i < 2; i++) await (await app.RerankAsync(newKey, Rerank)).ExpectAsync(HttpStatusCode.OK);

        await (await app.RerankAsync(newKey, Rerank)).ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error");
        await (await app.RerankAsync(oldKey, Rerank)).ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error");
        // amazon-rerank-1-0 is another window (4/min at this scale)
        await (await app.RerankAsync(oldKey, new { model = "amazon-rerank-1-0", query = "q", documents = new[] { "q" } })).ExpectAsync(HttpStatusCode.OK);

        await using var db = app.Db();
        Assert.Equal(5, await db.InferenceRateEvents.CountAsync(e => e.ResourceId == id && e.ModelId == "cohere-rerank-3-5"));
    }

    [Fact]
    public async Task Chat_TokensPerMinute_ReservesMaxTokensInFlight_AndSettlesToRealUsage()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        // A streams until released, holding its 10,000-token reservation of the 16,000 meanwhile.
        var slow = app.ChatAsync(key, Chat(10_000, "hold", stream: true));
        await Eventually(async () => { await using var db = app.Db(); return await db.InferenceRateEvents.AnyAsync(e => e.ResourceId == id); },
            because: "the held chat request's token reservation to be recorded");

        using (var refused = await app.ChatAsync(key, Chat(10_000)))
        {
            var message = await refused.ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error");
            Assert.Contains("16000 tokens per minute", message);
            Assert.Equal("2", refused.Header("x-ratelimit-remaining-requests"));
            Assert.True(long.Parse(refused.Header("x-ratelimit-remaining-tokens")) < 10_000);
            Assert.InRange(int.Parse(refused.Header("Retry-After")), 1, 60);
        }

        app.Upstream.ReleaseHeld();
        using (var done = await slow) Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        // A used 18 tokens in the end; the same request now fits.
        using var admitted = await app.ChatAsync(key, Chat(10_000));
        await admitted.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", admitted.Header("x-ratelimit-remaining-requests"));

        await using var check = app.Db();
        Assert.Equal([18, 18], await check.InferenceRateEvents.Where(e => e.ResourceId == id).OrderBy(e => e.Id).Select(e => e.Tokens).ToListAsync());
    }
}
