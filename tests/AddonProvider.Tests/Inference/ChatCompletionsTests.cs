using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Inference;

public sealed class ChatCompletionsTests(InferenceFixture app) : IClassFixture<InferenceFixture>
{
    private static object SeedChat(string model = "qwen3-235b", bool stream = false, string last = "What's the weather like in Portland, Oregon right now?") => new
    {
        model,
        messages = new object[]
        {
            new { role = "user", content = "Hello!" },
            new { role = "assistant", content = "Hi there! How can I assist you today?" },
            new { role = "user", content = last },
        },
        temperature = 0.5,
        max_tokens = 100,
        stream,
        tools = new[]
        {
            new
            {
                type = "function",
                function = new
                {
                    name = "get_weather", description = "Fetches the current weather for a given city.",
                    parameters = new { type = "object", properties = new { city = new { type = "string", description = "The name of the city to get weather for." } }, required = new[] { "city" } },
                },
            },
        },
        tool_choice = "auto",
        top_p = 0.9,
    };

    [Fact]
    public async Task Chat_SeedRequest_IsForwardedWithOurUpstreamKeyAndRecordsUsage()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        using var response = await app.ChatAsync(key, SeedChat(last: "forward-check " + id));
        var body = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("qwen3-235b", body.GetProperty("model").GetString());
        Assert.Equal("Hello from the fake model.", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(18, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        var sent = app.Upstream.Received.Single(r => r.Body.ToJsonString().Contains("forward-check " + id));
        Assert.Equal($"Bearer {FakeChatUpstream.Key}", sent.Authorization); // ours, never the customer's key
        Assert.Equal("auto", sent.Body["tool_choice"]!.GetValue<string>());
        Assert.Equal("get_weather", sent.Body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(0.9, sent.Body["top_p"]!.GetValue<double>());

        Assert.Equal("150", response.Header("x-ratelimit-limit-requests"));
        Assert.Equal("149", response.Header("x-ratelimit-remaining-requests"));
        Assert.Equal("800000", response.Header("x-ratelimit-limit-tokens"));
        Assert.Equal("799982", response.Header("x-ratelimit-remaining-tokens")); // the reservation settled to the 18 tokens used
        // Rebuilt from what was validated: nothing else reaches the model, and its cap is what we reserved.
        Assert.Equal(["model", "messages", "temperature", "top_p", "tools", "tool_choice", "max_tokens"], sent.Body.Select(p => p.Key).ToArray());
        Assert.Equal(100, sent.Body["max_tokens"]!.GetValue<int>());

        await using var db = app.Db();
        var usage = await db.InferenceUsageDays.SingleAsync(u => u.ResourceId == id);
        Assert.Equal((1L, 12L, 6L), (usage.Requests, usage.PromptTokens, usage.CompletionTokens));
        var window = await db.InferenceRateEvents.SingleAsync(e => e.ResourceId == id);
        Assert.Equal(18, window.Tokens); // the reservation was settled to the real usage
    }

    [Fact]
    public async Task Chat_Stream_RelaysEveryChunkInOrderAndEndsWithDone()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        using var response = await app.ChatAsync(key, SeedChat(stream: true), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("149", response.Header("x-ratelimit-remaining-requests"));
        var text = await response.Content.ReadAsStringAsync();

        var data = text.Split('\n').Where(l => l.StartsWith("data: ")).Select(l => l[6..]).ToList();
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.Equal(FakeChatUpstream.Words, chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.DoesNotContain("\"usage\"", text); // the usage chunk we asked for on the caller's behalf is not relayed

        await using var db = app.Db();
        var usage = await db.InferenceUsageDays.SingleAsync(u => u.ResourceId == id);
        Assert.Equal((1L, 12L, 6L), (usage.Requests, usage.PromptTokens, usage.CompletionTokens));
    }

    [Fact]
    public async Task Chat_StreamWithIncludeUsage_RelaysTheUsageChunk()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var request = new { model = "qwen3-235b", stream = true, stream_options = new { include_usage = true }, messages = new[] { new { role = "user", content = "hi" } } };
        var text = await (await app.ChatAsync(key, request)).Content.ReadAsStringAsync();
        Assert.Contains("\"total_tokens\":18", text);
        Assert.EndsWith("data: [DONE]\n\n", text);
    }

    [Fact]
    public async Task Chat_Stream_ChunksArriveAsTheUpstreamSendsThem_WithKeepAlivesWhileItIsSilent()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        // The upstream sends its first chunk, then stays silent until released.
        using var response = await app.ChatAsync(key, SeedChat(stream: true, last: "hold"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        async Task<List<string>> ReadUntilTwoKeepAlivesAsync()
        {
            var read = new List<string>();
            while (read.Count(l => l == ": keep-alive") < 2)
                read.Add(await reader.ReadLineAsync() ?? throw new InvalidOperationException($"the stream ended while the upstream was silent: {string.Join(" | ", read)}"));
            return read;
        }
        var whileSilent = await Eventually(ReadUntilTwoKeepAlivesAsync(), because: "two keep-alives while the upstream is silent");
        // We relayed the first chunk at once, then kept the line warm; nothing else came meanwhile.
        var firstData = whileSilent.FindIndex(l => l.StartsWith("data: "));
        Assert.True(firstData >= 0 && firstData < whileSilent.IndexOf(": keep-alive"), $"the first chunk was held back instead of relayed as it arrived: {string.Join(" | ", whileSilent)}");
        Assert.Single(whileSilent, l => l.StartsWith("data: "));

        app.Upstream.ReleaseHeld();
        var lines = whileSilent.Concat((await reader.ReadToEndAsync()).Split('\n')).ToList();
        Assert.Equal("data: [DONE]", lines.Last(l => l.Length > 0));
        Assert.Equal(FakeChatUpstream.Words.Length + 1, lines.Count(l => l.StartsWith("data: ")));
    }

    [Fact]
    public async Task Chat_Stream_UpstreamSilentBeforeItsHeaders_OurHeadersGoOutBeforeTheFirstKeepAlive()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var clock = Stopwatch.StartNew();
        using var response = await app.ChatAsync(key, SeedChat(stream: true, last: "hold-headers"), HttpCompletionOption.ResponseHeadersRead);
        var headersAt = clock.ElapsedMilliseconds;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": keep-alive", await reader.ReadLineAsync());
        var keepAliveAt = clock.ElapsedMilliseconds;
        // The gateway waits one interval (1 s here) for the upstream, then answers; the first keep-alive follows one
        // interval later. Had the headers waited for that keep-alive, both would arrive together.
        Assert.True(keepAliveAt - headersAt >= 300, $"headers at {headersAt} ms, first keep-alive at {keepAliveAt} ms: the headers were held back");

        app.Upstream.ReleaseHeld();
        var rest = await reader.ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", rest);
    }

    [Fact]
    public async Task Chat_StalledUpstream_EndsTheStreamWithAnErrorEventAfterTheTimeout()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var text = await (await app.ChatAsync(key, SeedChat(stream: true, last: "stall"))).Content.ReadAsStringAsync();
        Assert.Contains(": keep-alive", text);
        var data = text.Split('\n').Where(l => l.StartsWith("data: ")).Select(l => l[6..]).ToList();
        Assert.DoesNotContain("[DONE]", data); // one error event, then the stream closes
        var error = JsonDocument.Parse(Assert.Single(data)).RootElement.GetProperty("error");
        Assert.Equal((500, "server_error"), (error.GetProperty("code").GetInt32(), error.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Chat_ModelWithoutUpstream_Is503AndTakesNoPlaceInTheWindow()
    {
        var (id, key) = await app.KeyAsync("qwen3-coder-480b");
        using var response = await app.ChatAsync(key, SeedChat("qwen3-coder-480b"));
        await response.ExpectInferenceErrorAsync(HttpStatusCode.ServiceUnavailable, "server_error",
            "The model qwen3-coder-480b has no backend configured on this service, so it cannot answer chat completions right now. Please contact support.");
        Assert.Equal("150", response.Header("x-ratelimit-remaining-requests"));
        await using var db = app.Db();
        Assert.False(await db.InferenceRateEvents.AnyAsync(e => e.ResourceId == id));
    }

    [Fact]
    public async Task Chat_UpstreamWithAnotherModelName_GetsItsNameAndAnswersWithOurs()
    {
        var (id, key) = await app.KeyAsync("standard", options: new { model = "kimi-k2-5" });
        var body = await (await app.ChatAsync(key, SeedChat("kimi-k2-5", last: "rename " + id))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("kimi-k2-5", body.GetProperty("model").GetString());
        var sent = app.Upstream.Received.Single(r => r.Body.ToJsonString().Contains("rename " + id));
        Assert.Equal("moonshot/kimi-k2.5", sent.Body["model"]!.GetValue<string>());
        Assert.Equal("", sent.Authorization); // no key configured for this upstream

        var stream = await (await app.ChatAsync(key, SeedChat("kimi-k2-5", stream: true))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("moonshot", stream);
        Assert.Contains("\"model\":\"kimi-k2-5\"", stream);
    }

    [Fact]
    public async Task Chat_UpstreamRefuses_Is400WithItsReason_AndFailureIs500WithoutInternals()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        await (await app.ChatAsync(key, SeedChat(last: "fail-400"))).ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error",
            "The model qwen3-235b refused the request: messages[0].content is too long");
        var message = await (await app.ChatAsync(key, SeedChat(last: "fail-500"))).ExpectInferenceErrorAsync(HttpStatusCode.InternalServerError, "server_error");
        Assert.DoesNotContain("Secret.Internal", message);

        await using var db = app.Db();
        Assert.False(await db.InferenceUsageDays.AnyAsync(u => u.ResourceId == id)); // nothing served, nothing billed
        Assert.All(await db.InferenceRateEvents.Where(e => e.ResourceId == id).ToListAsync(), e => Assert.Equal(0, e.Tokens));
    }

    public static TheoryData<string, string> ValidationErrors => new()
    {
        { """{"messages":[{"role":"user","content":"hi"}]}""", "model is required" },
        { """{"model":"qwen3-235b"}""", "messages is required and cannot be empty" },
        { """{"model":"qwen3-235b","messages":[]}""", "messages is required and cannot be empty" },
        { """{"model":"qwen3-235b","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role must be one of system, user, assistant, tool, developer" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream must be a boolean" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}""", "max_tokens must be a positive integer" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature must be a number between 0 and 1" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"temperature":7}""", "temperature must be a number between 0 and 1" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", "top_p must be a number between 0 and 1" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"stop":[1]}""", "stop must be a string or an array of up to 4 strings" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"tool_choice":"auto"}""", "tool_choice auto needs tools" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"extended_thinking":{"enabled":true,"budget_tokens":10}}""", "extended_thinking.budget_tokens must be an integer of at least 1024" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"chat_template_kwargs":{"thinking":true}}""", "chat_template_kwargs is not a supported parameter of /v1/chat/completions" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://169.254.169.254/"}}]}]}""", "messages[0].content[0].type image_url is not supported: these models take text only" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"max_tokens":10,"max_completion_tokens":0}""", "max_completion_tokens must be a positive integer" },
        { """{"model":"qwen3-235b","messages":[{"role":"user","content":"hi"}],"tools":{}}""", "tools must be an array of tool definitions" },
    };

    [Theory]
    [MemberData(nameof(ValidationErrors))]
    public async Task Chat_InvalidBody_Is400NamingTheField(string json, string message)
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        await (await app.ChatAsync(key, json)).ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", message);
    }

    [Fact]
    public async Task Chat_WithARerankModel_Is400AndWithAnotherChatModel_Is403()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        await (await app.ChatAsync(key, SeedChat("kimi-k2-5"))).ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error");
        await (await app.ChatAsync(key, SeedChat("nope-1"))).ExpectInferenceErrorAsync(HttpStatusCode.NotFound, "not_found_error");
        var (_, rerankKey) = await app.KeyAsync("cohere-rerank-3-5");
        await (await app.ChatAsync(rerankKey, SeedChat("cohere-rerank-3-5"))).ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error",
            "cohere-rerank-3-5 is a rerank model; call /v1/rerank with it.");
    }

    [Fact]
    public async Task Chat_RefusedParameters_NeverReachTheModel()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        await (await app.ChatAsync(key, new { model = "qwen3-235b", messages = new[] { new { role = "user", content = "kwargs " + id } }, chat_template_kwargs = new { enable_thinking = true } }))
            .ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.DoesNotContain(app.Upstream.Received, r => r.Body.ToJsonString().Contains("kwargs " + id));
        await using var db = app.Db();
        Assert.False(await db.InferenceRateEvents.AnyAsync(e => e.ResourceId == id));
    }

    [Fact]
    public async Task Chat_ClientLeavesMidStream_CancelsTheUpstreamAndRecordsUsage()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        var response = await app.ChatAsync(key, SeedChat(stream: true, last: "hold"), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line && !line.StartsWith("data: ")) { }
        response.Dispose(); // the client goes away after the first chunk

        await Eventually(() => Task.FromResult(app.Upstream.Abandoned.Contains("hold")), "the upstream call to be cancelled");
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.InferenceUsageDays.AnyAsync(u => u.ResourceId == id && u.Requests == 1);
        }, "the abandoned stream's usage to be recorded");
    }

    [Fact]
    public async Task StandardKey_ProvisionedWithoutAModel_CallsAnyModelOfItsRegion_EachWithItsOwnWindow()
    {
        var (id, key) = await app.KeyAsync("standard"); // the Kimi K2.5 seed's `heroku addons:create heroku-inference:standard`
        await (await app.ChatAsync(key, SeedChat("kimi-k2-5"))).ExpectAsync(HttpStatusCode.OK);
        await (await app.ChatAsync(key, SeedChat("qwen3-235b"))).ExpectAsync(HttpStatusCode.OK);
        await (await app.RerankAsync(key, new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos", "bake bread" } })).ExpectAsync(HttpStatusCode.OK);
        await (await app.ChatAsync(key, new { messages = new[] { new { role = "user", content = "hi" } } }))
            .ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "model is required");

        await using var db = app.Db();
        Assert.Equal(["cohere-rerank-3-5", "kimi-k2-5", "qwen3-235b"],
            await db.InferenceRateEvents.Where(e => e.ResourceId == id).Select(e => e.ModelId).Distinct().OrderBy(m => m).ToListAsync());
    }
}
