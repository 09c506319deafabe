using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using OpenAI;
using OpenAI.Chat;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// The inference fixture with a 3-second request timeout, so a stream that must outlive the request timeout can
/// prove it in seconds rather than in the router's 25 (the fake upstream's "long" stream lasts 6 s).
/// </summary>
public sealed class ShortRequestTimeoutFixture : InferenceFixture
{
    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["REQUEST_TIMEOUT"] = "3s" };
}

/// <summary>
/// <c>/v1/chat/completions</c> driven by the official OpenAI .NET library (NuGet OpenAI 2.15.0), as customers call it
/// with INFERENCE_URL and INFERENCE_KEY, against the in-test OpenAI-compatible upstream over real HTTP.
/// Retries are off, so each status reaches the test as the SDK raises it.
/// </summary>
public sealed class OpenAiSdkTests(ShortRequestTimeoutFixture app) : IClassFixture<ShortRequestTimeoutFixture>
{
    private ChatClient Client(string key, string model) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(app.BaseAddress, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        });

    private static ChatTool Weather => ChatTool.CreateFunctionTool("get_weather", "Fetches the current weather for a given city.",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    [Fact]
    public async Task Sdk_NonStreamed_ReturnsTheAnswerAndUsage()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        ChatCompletion completion = await Client(key, "qwen3-235b").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello!")],
            new ChatCompletionOptions { Temperature = 0.5f, MaxOutputTokenCount = 100, TopP = 0.9f });
        Assert.Equal("Hello from the fake model.", completion.Content[0].Text);
        Assert.Equal("qwen3-235b", completion.Model);
        Assert.Equal(18, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Sdk_Streamed_DeliversEveryPieceAndTheUsage()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client(key, "qwen3-235b").CompleteChatStreamingAsync([new UserChatMessage("Hello!")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }
        Assert.Equal("Hello from the fake model.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(18, usage?.TotalTokenCount);
    }

    [Fact]
    public async Task Sdk_Tools_TheModelCallsAToolAndTheResultGoesBack()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var client = Client(key, "qwen3-235b");
        var options = new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateAutoChoice() };
        List<ChatMessage> messages = [new UserChatMessage("call-tool")];
        ChatCompletion first = await client.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal(("call_1", "get_weather", """{"city":"Portland"}"""), (call.Id, call.FunctionName, call.FunctionArguments.ToString()));

        // The SDK echoes the assistant's tool call and adds our result: both pass the rules and reach the model.
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "Sunny, 18 °C"));
        ChatCompletion second = await client.CompleteChatAsync(messages, options);
        Assert.Equal("Hello from the fake model.", second.Content[0].Text);
        var sent = app.Upstream.Received.Last(r => r.Body["messages"]!.AsArray().Count == 3).Body;
        Assert.Equal("call_1", sent["messages"]![1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("tool", sent["messages"]![2]!["role"]!.GetValue<string>());
        Assert.Equal("call_1", sent["messages"]![2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sdk_StreamedToolCalls_ArriveAsPiecesTheSdkAssembles()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var arguments = new StringBuilder();
        string? id = null, name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client(key, "qwen3-235b").CompleteChatStreamingAsync([new UserChatMessage("call-tool")], new ChatCompletionOptions { Tools = { Weather } }))
        {
            foreach (var tool in update.ToolCallUpdates)
            {
                id ??= tool.ToolCallId;
                name ??= tool.FunctionName;
                arguments.Append(tool.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }
        Assert.Equal(("call_1", "get_weather", """{"city":"Portland"}"""), (id, name, arguments.ToString()));
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task Sdk_StreamLongerThanTheRequestTimeout_RunsToTheEnd()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        var clock = Stopwatch.StartNew();
        var parts = new List<string>();
        await foreach (var update in Client(key, "qwen3-235b").CompleteChatStreamingAsync([new UserChatMessage("long")]))
            foreach (var part in update.ContentUpdate) parts.Add(part.Text);

        // 12 chunks 500 ms apart: 6 s of generation against a 3 s request timeout.
        Assert.Equal(Enumerable.Range(0, app.Upstream.LongChunks).Select(i => $"part{i} "), parts);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(5), $"the stream took {clock.Elapsed}, not longer than the request timeout");
        await using var db = app.Db();
        var usage = await db.InferenceUsageDays.SingleAsync(u => u.ResourceId == id);
        Assert.Equal((1L, 12L, 12L), (usage.Requests, usage.PromptTokens, usage.CompletionTokens));
    }

    [Fact]
    public async Task Sdk_StreamBrokenMidway_EndsWithoutAFinishReason()
    {
        // The .NET SDK (2.15) does not raise on the error event (the Python and JavaScript SDKs do): it ends the
        // enumeration; the answer is visibly incomplete because no update carries a finish reason.
        var (id, key) = await app.KeyAsync("qwen3-235b");
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Client(key, "qwen3-235b").CompleteChatStreamingAsync([new UserChatMessage("break")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            if (text.ToString() == "Hello from") app.Upstream.ReleaseHeld(); // now the model host dies
        }
        Assert.Equal("Hello from", text.ToString());
        Assert.Null(finish);

        await using var db = app.Db();
        Assert.Equal(1, (await db.InferenceUsageDays.SingleAsync(u => u.ResourceId == id)).Requests); // usage recorded on the broken path too
    }

    [Fact]
    public async Task StreamBrokenMidway_OnTheWire_IsOneErrorEventAndNoDone()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        using var response = await app.ChatAsync(key, new { model = "qwen3-235b", stream = true, messages = new[] { new { role = "user", content = "break" } } },
            HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ")) continue;
            events.Add(line[6..]);
            if (events.Count == 2) app.Upstream.ReleaseHeld();
        }
        Assert.Equal(3, events.Count);
        Assert.Equal("""{"error":{"code":500,"message":"The model qwen3-235b failed while answering; the answer is incomplete. Please retry.","type":"server_error"}}""", events[^1]);
    }

    [Fact]
    public async Task Sdk_NonStreamedPastTheRequestTimeout_Is504SayingToStream()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client(key, "qwen3-235b").CompleteChatAsync([new UserChatMessage("hold-headers")]));
        Assert.Equal(504, e.Status);
        Assert.Contains("\"stream\": true", e.Message);
        await Eventually(() => Task.FromResult(app.Upstream.Abandoned.Contains("hold-headers")), "the upstream call to be cancelled");
        app.Upstream.ReleaseHeld();
    }

    [Fact]
    public async Task Sdk_Errors_AreTheStatusesTheSdkRaises()
    {
        var (resourceId, key) = await app.KeyAsync("qwen3-235b");
        async Task<ClientResultException> Fails(string k, string model, ChatCompletionOptions? options = null, string content = "hi") =>
            await Assert.ThrowsAsync<ClientResultException>(() => Client(k, model).CompleteChatAsync([new UserChatMessage(content)], options));

        Assert.Equal(401, (await Fails("inf-not-a-key", "qwen3-235b")).Status);
        Assert.Equal(403, (await Fails(key, "kimi-k2-5")).Status);
        Assert.Equal(404, (await Fails(key, "no-such-model")).Status);
        var bad = await Fails(key, "qwen3-235b", new ChatCompletionOptions { Temperature = 7 });
        Assert.Equal(400, bad.Status);
        Assert.Contains("temperature must be a number between 0 and 1", bad.Message);
        Assert.Equal(500, (await Fails(key, "qwen3-235b", content: "fail-500")).Status);
        var busy = await Fails(key, "qwen3-235b", content: "fail-429");
        Assert.Equal((503, "7"), (busy.Status, RetryAfter(busy)));
        var (_, noBackend) = await app.KeyAsync("qwen3-coder-480b");
        var unavailable = await Fails(noBackend, "qwen3-coder-480b");
        Assert.Equal(503, unavailable.Status);
        Assert.NotEmpty(RetryAfter(unavailable));

        // Fill the minute's window directly (150 requests are what the catalog allows), as the admissions would.
        await using (var db = app.Db())
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO inference_rate_events (resource_id, model_id, at, tokens) SELECT {0}, 'qwen3-235b', clock_timestamp(), 0 FROM generate_series(1, 150)", resourceId);
        var limited = await Fails(key, "qwen3-235b");
        Assert.Equal(429, limited.Status);
        Assert.InRange(int.Parse(RetryAfter(limited)), 1, 60);
    }

    private static string RetryAfter(ClientResultException e) =>
        e.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var value) ? value! : "";
}
