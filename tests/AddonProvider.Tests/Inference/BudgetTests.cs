using System.Net;
using System.Text;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// The tokens-per-minute budget cannot be bypassed, and a key with no room left is refused before its body is parsed.
/// Limits scaled by 0.02: qwen3-235b and kimi-k2-5 allow 3 requests and 16,000 tokens a minute.
/// </summary>
public sealed class BudgetTests(ScaledLimitsFixture app) : IClassFixture<ScaledLimitsFixture>
{
    private static object[] Hi => [new { role = "user", content = "hi" }];

    [Fact]
    public async Task MaxCompletionTokens_IsReservedEvenWithATinyMaxTokens_AndIsTheUpstreamsCap()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        using var response = await app.ChatAsync(key, new { model = "qwen3-235b", max_tokens = 1, max_completion_tokens = 15_000, stream = true, messages = new[] { new { role = "user", content = "budget-cap " + id } } },
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(long.Parse(response.Header("x-ratelimit-remaining-tokens")), 0, 1_000); // 15,000 and the prompt reserved
        await response.Content.ReadAsStringAsync();

        var sent = app.Upstream.Received.Single(r => r.Body.ToJsonString().Contains("budget-cap " + id)).Body;
        Assert.Equal(15_000, sent["max_tokens"]!.GetValue<int>());
        Assert.False(sent.ContainsKey("max_completion_tokens"));

        using var huge = await app.ChatAsync(key, new { model = "qwen3-235b", max_tokens = 1, max_completion_tokens = 700_000, messages = Hi });
        var message = await huge.ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.StartsWith("This request can never fit qwen3-235b's 16000 tokens per minute", message);
    }

    [Fact]
    public async Task SeveralChoices_AreRefused_NotSilentlyMultiplied()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        await (await app.ChatAsync(key, new { model = "qwen3-235b", n = 16, max_tokens = 900, messages = Hi }))
            .ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "n must be 1: these models return one choice per request");
        await (await app.ChatAsync(key, new { model = "qwen3-235b", n = 1, max_tokens = 900, messages = Hi })).ExpectAsync(HttpStatusCode.OK);
        await using var db = app.Db();
        Assert.Equal(1, await db.InferenceRateEvents.CountAsync(e => e.ResourceId == id));
    }

    [Fact]
    public async Task ToolsCountInThePromptEstimate_ATwoMegabyteToolsArrayCanNeverFit()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        var tools = Enumerable.Range(0, 100).Select(i => new
        {
            type = "function",
            function = new { name = $"tool_{i}", description = new string('d', 20_000), parameters = new { type = "object" } },
        }).ToArray();
        using var response = await app.ChatAsync(key, new { model = "qwen3-235b", max_tokens = 10, messages = Hi, tools });
        var message = await response.ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("can never fit qwen3-235b's 16000 tokens per minute: it may use", message);

        Assert.DoesNotContain(app.Upstream.Received, r => r.Body["tools"] is { } t && t.AsArray().Count == 100);

        // A smaller set that fits is reserved in full: about 40 KB of tools is some 10,000 tokens.
        using var fits = await app.ChatAsync(key, new { model = "qwen3-235b", max_tokens = 10, stream = true, messages = Hi, tools = tools.Take(2).ToArray() },
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.InRange(long.Parse(fits.Header("x-ratelimit-remaining-tokens")), 0, 6_000);
        await fits.Content.ReadAsStringAsync();
        await using var db = app.Db();
        Assert.Equal(1, await db.InferenceRateEvents.CountAsync(e => e.ResourceId == id));
    }

    [Fact]
    public async Task ARequestLargerThanTheMinutesBudget_Is400_NotClampedAndAdmitted()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        using var response = await app.ChatAsync(key, new { model = "qwen3-235b", max_tokens = 20_000, messages = Hi });
        var message = await response.ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("Lower max_tokens", message);
        await using var db = app.Db();
        Assert.False(await db.InferenceRateEvents.AnyAsync(e => e.ResourceId == id));
    }

    [Fact]
    public async Task ExhaustedSingleModelKey_Is429BeforeItsBodyIsParsed()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        for (var i = 0; i < 3; i++) await (await app.ChatAsync(key, new { model = "qwen3-235b", max_tokens = 10, messages = Hi })).ExpectAsync(HttpStatusCode.OK);

        // Not even JSON after the first bytes: a parsed body would be a 400, an unread one is the 429.
        using var response = await app.ChatAsync(key, LargeBrokenBody("""{"model":"qwen3-235b","messages":[{"role":"user","content":" """));
        await response.ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error",
            "Rate limit exceeded: 3 requests per minute for qwen3-235b. Retry after the time in the Retry-After header.");
        Assert.InRange(int.Parse(response.Header("Retry-After")), 1, 60);
        Assert.Equal("0", response.Header("x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task StandardKey_MessagesBeforeModel_AgainstAnExhaustedModel_Is429WithoutParsingTheRest()
    {
        var (_, key) = await app.KeyAsync("standard", options: new { model = "kimi-k2-5" });
        for (var i = 0; i < 3; i++) await (await app.ChatAsync(key, new { model = "kimi-k2-5", max_tokens = 10, messages = Hi })).ExpectAsync(HttpStatusCode.OK);

        var messagesFirst = """{"messages":[{"role":"user","content":"hi"},{"role":"user","content":""" + "\"" + new string('x', 300_000) + "\"}],\"model\":\"kimi-k2-5\",\"tools\":[";
        using var refused = await app.ChatAsync(key, LargeBrokenBody(messagesFirst));
        await refused.ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error",
            "Rate limit exceeded: 3 requests per minute for kimi-k2-5. Retry after the time in the Retry-After header.");
        Assert.InRange(int.Parse(refused.Header("Retry-After")), 1, 60);

        // The same key's other models keep their own windows, with model sent after messages as well.
        using var other = await app.ChatAsync(key, """{"messages":[{"role":"user","content":"hi"}],"max_tokens":10,"model":"qwen3-235b"}""");
        await other.ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task StandardKey_EveryChatModelExhausted_Is429AtOnce()
    {
        var (id, key) = await app.KeyAsync("standard", options: new { model = "kimi-k2-5" });
        string[] chat = ["qwen3-235b", "qwen3-coder-480b", "minimax-m2", "kimi-k2-thinking", "kimi-k2-5"];
        await using (var db = app.Db())
            foreach (var model in chat)
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO inference_rate_events (resource_id, model_id, at, tokens) SELECT {0}, {1}, clock_timestamp(), 0 FROM generate_series(1, 3)", id, model);
        // Another dyno filled them: this one learns it from the refusals after reading the body.
        foreach (var model in chat)
        {
            using var refused = await app.ChatAsync(key, new { model, max_tokens = 10, messages = Hi });
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode); // 429, or 503 for the model without a backend
        }

        using var response = await app.ChatAsync(key, LargeBrokenBody("""{"messages":[{"role":"user","content":" """));
        await response.ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error",
            "Rate limit exceeded for every model this key can call on this endpoint. Retry after the time in the Retry-After header.");
        Assert.InRange(int.Parse(response.Header("Retry-After")), 1, 60);
    }

    /// <summary>A 1.5 MB body that starts as <paramref name="start"/> and is broken JSON from there on.</summary>
    private static string LargeBrokenBody(string start) => new StringBuilder(start).Append('{', 10).Append('x', 1_500_000).ToString();
}
