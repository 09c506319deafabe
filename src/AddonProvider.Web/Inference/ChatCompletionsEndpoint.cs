using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AddonProvider.Web.Inference;

/// <summary>
/// <c>POST /v1/chat/completions</c>: an OpenAI-style request, checked, rate-limited and forwarded to the upstream
/// OpenAI-compatible endpoint configured for the model; unknown members pass through untouched.
/// </summary>
public static class ChatCompletionsEndpoint
{
    private static readonly string[] Roles = ["system", "user", "assistant", "tool", "developer"];

    public static async Task<Results<ContentHttpResult, ChatStream, InferenceError>> Handle(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, InferenceSettings settings,
        IHttpClientFactory clients, TimeProvider clock, CancellationToken ct)
    {
        var (call, error) = await InferenceCall.BeginAsync(http, catalog, ModelKind.Chat, ct);
        if (error is not null) return new InferenceError(error);
        var (body, caller, model) = (call!.Body, call.Caller, call.Model);

        var (request, invalid) = Validate(body!);
        invalid ??= settings.Upstreams.ContainsKey(model!.Id) ? null : Failure.Unavailable(
            $"The model {model!.Id} has no backend configured on this service, so it cannot answer chat completions right now. Please contact support.");
        if (invalid is not null) return await call.RefuseAsync(http, db, limiter, invalid, ct);

        var prompt = ChatUpstream.EstimatePromptTokens(body!["messages"]);
        var decision = await limiter.AdmitAsync(db, caller.ResourceId, model!, (int)Math.Min(int.MaxValue, prompt + (request!.MaxTokens ?? settings.DefaultMaxTokens)), ct);
        decision.WriteHeaders(http.Response);
        if (!decision.Admitted)
            return new InferenceError(Failure.RateLimited(decision.RemainingRequests == 0
                ? $"Rate limit exceeded: {decision.LimitRequests} requests per minute for {model!.Id}. Retry after the time in the Retry-After header."
                : $"Rate limit exceeded: {decision.LimitTokens} tokens per minute for {model!.Id} (this request reserves its max_tokens). Retry after the time in the Retry-After header."));

        var upstream = settings.Upstreams[model!.Id];
        var askedForUsage = body!["stream_options"]?["include_usage"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        body["model"] = upstream.Model ?? model.Id;
        // We need the real token count of a stream too; OpenAI-compatible servers send it when asked.
        if (request.Stream && body["stream_options"] is null) body["stream_options"] = new JsonObject { ["include_usage"] = true };

        var message = new HttpRequestMessage(HttpMethod.Post, upstream.Endpoint("/v1/chat/completions"))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (upstream.Key is { } key) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (request.Stream) message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.UpstreamTimeout);
        var send = clients.CreateClient(InferenceEndpoints.UpstreamClient).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var exchange = new ChatExchange(caller.ResourceId, model.Id, decision.EventId!.Value, prompt, askedForUsage,
            upstream.Model is { } m && m != model.Id ? m : null, message, timeout, send);

        if (request.Stream)
        {
            // Answer with a real status when the upstream is quick; past the keep-alive interval, start the stream
            // so the router (30 s to first byte) sees bytes while the upstream is still thinking.
            await Task.WhenAny(send, Task.Delay(settings.KeepAliveInterval, ct));
            if (!send.IsCompleted || send.IsCompletedSuccessfully && send.Result.IsSuccessStatusCode)
                return new ChatStream(exchange, settings);
        }

        using (exchange)
        {
            try
            {
                var response = await send;
                if (!response.IsSuccessStatusCode)
                {
                    await SettleUnusedAsync(db, exchange.RateEventId);
                    return new InferenceError(await ChatUpstream.FailureAsync(response, model.Id, timeout.Token));
                }
                var answer = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token) as JsonObject
                    ?? throw new JsonException("not an object");
                var usage = ChatUpstream.ReadUsage(answer["usage"])
                    ?? (prompt, (answer["choices"]?.ToJsonString().Length ?? 0) / 4);
                if (answer.ContainsKey("model")) answer["model"] = model.Id;
                await InferenceUsage.RecordAsync(db, caller.ResourceId, model.Id, clock.GetUtcNow().UtcDateTime, usage.Item1, usage.Item2, 0, exchange.RateEventId, CancellationToken.None);
                return TypedResults.Content(answer.ToJsonString(), "application/json; charset=utf-8");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !ct.IsCancellationRequested)
            {
                await SettleUnusedAsync(db, exchange.RateEventId);
                return new InferenceError(e is JsonException
                    ? Failure.BadGateway($"The backend for {model.Id} sent an answer we could not read.")
                    : ChatUpstream.FailureOf(e, model.Id, ct));
            }
        }
    }

    /// <summary>A request the upstream never served gives its reserved tokens back (it still counted as a request).</summary>
    internal static async Task SettleUnusedAsync(AddonDbContext db, long rateEventId)
    {
        var connection = await InferenceRateLimiter.OpenAsync(db, CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { InferenceRateLimiter.Settle(rateEventId, 0) } };
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private sealed record Request(bool Stream, int? MaxTokens);

    private static (Request?, Failure?) Validate(JsonObject body)
    {
        if (!body.TryGetPropertyValue("messages", out var node) || node is null || node is JsonArray { Count: 0 })
            return (null, Failure.BadRequest("messages is required and cannot be empty"));
        if (node is not JsonArray messages)
            return (null, Failure.BadRequest("messages must be an array of message objects"));
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject msg)
                return (null, Failure.BadRequest($"messages[{i}] must be an object with a role and content"));
            if (msg["role"] is not JsonValue role || role.GetValueKind() != JsonValueKind.String || !Roles.Contains(role.GetValue<string>()))
                return (null, Failure.BadRequest($"messages[{i}].role must be one of {string.Join(", ", Roles)}"));
        }

        var stream = false;
        if (body["stream"] is { } s)
        {
            if (s.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                return (null, Failure.BadRequest("stream must be a boolean"));
            stream = s.GetValue<bool>();
        }
        foreach (var name in new[] { "temperature", "top_p" })
            if (body[name] is { } n && n.GetValueKind() != JsonValueKind.Number)
                return (null, Failure.BadRequest($"{name} must be a number"));
        if (body["tools"] is { } tools && tools is not JsonArray)
            return (null, Failure.BadRequest("tools must be an array of tool definitions"));
        if (body["tool_choice"] is { } choice && choice.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Object))
            return (null, Failure.BadRequest("tool_choice must be none, auto, required or a tool object"));

        var (maxTokens, maxError) = InferenceBody.OptionalPositiveInt(body, "max_tokens");
        if (maxError is not null) return (null, maxError);
        var (maxCompletion, completionError) = InferenceBody.OptionalPositiveInt(body, "max_completion_tokens");
        if (completionError is not null) return (null, completionError);
        return (new Request(stream, maxTokens ?? maxCompletion), null);
    }
}
