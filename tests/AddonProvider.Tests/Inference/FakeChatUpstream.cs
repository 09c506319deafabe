using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// A small OpenAI-compatible server on its own Kestrel socket, standing in for a model host (which cannot run
/// here). The last user message steers it: "hold" sends one chunk and waits for
/// <see cref="ReleaseHeld"/> ("hold-headers" waits before answering at all), "fail-400" refuses, "fail-500" breaks,
/// "fail-429" is busy, "stall" sends headers and then nothing, "break" sends two chunks and drops the connection once released,
/// "long" sends <see cref="LongChunks"/> chunks <see cref="LongInterval"/> apart, "call-tool" calls get_weather.
/// Every request whose client went away before it finished is in <see cref="Abandoned"/> (its last message).
/// </summary>
public sealed class FakeChatUpstream : IAsyncDisposable
{
    public const string Key = "upstream-secret-key";
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;
    public ConcurrentQueue<(string? Authorization, JsonObject Body)> Received { get; } = new();
    public TimeSpan LongInterval { get; set; } = TimeSpan.FromMilliseconds(500);
    public int LongChunks { get; set; } = 12;
    public ConcurrentQueue<string> Abandoned { get; } = new();
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets every "hold" stream finish; later ones hold again until the next call.</summary>
    public void ReleaseHeld() => Interlocked.Exchange(ref _held, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public static readonly string[] Words = ["Hello", " from", " the", " fake", " model", "."];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", HandleAsync);
        _app.MapPost("/v1/rerank", RerankAsync);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
        Received.Enqueue((http.Request.Headers.Authorization.ToString(), body));
        var last = body["messages"]!.AsArray().Last()!["content"]?.GetValue<string>() ?? "";
        var model = body["model"]!.GetValue<string>();
        try
        {
            await AnswerAsync(http, body, last, model);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            Abandoned.Enqueue(last);
        }
    }

    private async Task AnswerAsync(HttpContext http, JsonObject body, string last, string model)
    {
        if (last == "hold-headers") await Volatile.Read(ref _held).Task.WaitAsync(http.RequestAborted);

        if (last == "fail-400")
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { message = "messages[0].content is too long", type = "invalid_request_error" } });
            return;
        }
        if (last == "fail-429")
        {
            http.Response.StatusCode = 429;
            http.Response.Headers.RetryAfter = "7";
            return;
        }
        if (last == "fail-500")
        {
            http.Response.StatusCode = 500;
            await http.Response.WriteAsync("upstream stack trace: at Secret.Internal()");
            return;
        }

        if (last == "call-tool")
        {
            await ToolCallAsync(http, body, model);
            return;
        }
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await http.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-1", @object = "chat.completion", created = 1, model,
                choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = string.Concat(Words) } } },
                usage = new { prompt_tokens = 12, completion_tokens = 6, total_tokens = 18 },
            });
            return;
        }

        http.Response.ContentType = "text/event-stream";
        await http.Response.StartAsync();
        if (last == "stall")
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
            return;
        }
        if (last == "long")
        {
            for (var i = 0; i < LongChunks; i++)
            {
                await Task.Delay(LongInterval, http.RequestAborted);
                await ChunkAsync(http, new { content = $"part{i} " }, model);
            }
            await UsageAndDoneAsync(http, body, model, LongChunks);
            return;
        }
        for (var i = 0; i < Words.Length; i++)
        {
            if (last == "break" && i == 2)
            {
                await Volatile.Read(ref _held).Task.WaitAsync(http.RequestAborted);
                http.Abort(); // the model host dies mid-answer (once the test has seen the first chunks arrive)
                return;
            }
            if (last == "hold" && i == 1) await Volatile.Read(ref _held).Task.WaitAsync(http.RequestAborted);
            var chunk = new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { content = Words[i] }, finish_reason = i == Words.Length - 1 ? "stop" : null } } };
            await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
            await http.Response.Body.FlushAsync();
        }
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", model, choices = Array.Empty<object>(), usage = new { prompt_tokens = 12, completion_tokens = 6, total_tokens = 18 } })}\n\n");
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task ChunkAsync(HttpContext http, object delta, string model, string? finish = null)
    {
        var chunk = new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta, finish_reason = finish } } };
        await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static async Task UsageAndDoneAsync(HttpContext http, JsonObject body, string model, int completion)
    {
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", model, choices = Array.Empty<object>(), usage = new { prompt_tokens = 12, completion_tokens = completion, total_tokens = 12 + completion } })}\n\n");
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>Answers with a get_weather call; streamed, its arguments arrive in three pieces.</summary>
    private static async Task ToolCallAsync(HttpContext http, JsonObject body, string model)
    {
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await http.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-2", @object = "chat.completion", created = 1, model,
                choices = new[]
                {
                    new
                    {
                        index = 0, finish_reason = "tool_calls",
                        message = new
                        {
                            role = "assistant", content = (string?)null,
                            tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = "{\"city\":\"Portland\"}" } } },
                        },
                    },
                },
                usage = new { prompt_tokens = 30, completion_tokens = 9, total_tokens = 39 },
            });
            return;
        }
        http.Response.ContentType = "text/event-stream";
        await ChunkAsync(http, new { role = "assistant", tool_calls = new object[] { new { index = 0, id = "call_1", type = "function", function = new { name = "get_weather", arguments = "" } } } }, model);
        foreach (var piece in new[] { "{\"city\"", ":\"Port", "land\"}" })
            await ChunkAsync(http, new { tool_calls = new object[] { new { index = 0, function = new { arguments = piece } } } }, model);
        await ChunkAsync(http, new { }, model, "tool_calls");
        await UsageAndDoneAsync(http, body, model, 9);
    }

    /// <summary>Cohere-style rerank that ranks the documents in reverse order, so its answer is recognisable.</summary>
    private async Task RerankAsync(HttpContext http)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
        Received.Enqueue((http.Request.Headers.Authorization.ToString(), body));
        var count = body["documents"]!.AsArray().Count;
        var topN = body["top_n"]?.GetValue<int>() ?? count;
        var results = Enumerable.Range(0, count).Reverse().Take(topN).Select((index, rank) => new { index, relevance_score = 0.9 - rank * 0.1 });
        await http.Response.WriteAsJsonAsync(new { id = "upstream", results, meta = new { billed_units = new { search_units = 1 } } });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
