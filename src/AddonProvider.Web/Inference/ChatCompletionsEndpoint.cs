using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AddonProvider.Web.Inference;

/// <summary>
/// <c>POST /v1/chat/completions</c>: a request checked by Heroku's rules (<see cref="ChatRequest"/>), its worst case
/// reserved from the tokens/min budget, rebuilt and forwarded to the upstream configured for the model.
/// The request timeout bounds everything up to an answer's first byte and a whole non-streamed answer; an
/// established stream runs on its own limits instead (<see cref="ChatStream"/>).
/// </summary>
public static class ChatCompletionsEndpoint
{
    public static async Task<Results<ContentHttpResult, ChatStream, InferenceError>> Handle(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, InferenceSettings settings,
        IHttpClientFactory clients, TimeProvider clock, IOptions<RequestTimeoutOptions> timeouts, ILoggerFactory loggers, CancellationToken ct)
    {
        // The middleware's timer would cut an established stream (or leave a bare 503); ours answers 504 and spares streams.
        var requestTimeout = timeouts.Value.DefaultPolicy?.Timeout ?? Timeout.InfiniteTimeSpan;
        http.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        var started = Stopwatch.GetTimestamp();
        using var checking = CancellationTokenSource.CreateLinkedTokenSource(ct);
        checking.CancelAfter(requestTimeout);
        try
        {
            return await HandleAsync(http, db, catalog, limiter, settings, clients, clock, loggers.CreateLogger(typeof(ChatCompletionsEndpoint)),
                started, requestTimeout, checking.Token, ct);
        }
        catch (OperationCanceledException) when (checking.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return InferenceError.GatewayTimeout($"The request could not be read and checked within {requestTimeout.TotalSeconds:0} s.");
        }
    }

    private static async Task<Results<ContentHttpResult, ChatStream, InferenceError>> HandleAsync(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, InferenceSettings settings,
        IHttpClientFactory clients, TimeProvider clock, ILogger logger, long started, TimeSpan requestTimeout, CancellationToken checking, CancellationToken ct)
    {
        // The body is held whole (its bytes, the nodes over them) and then serialized again for the upstream.
        var admit = (http.Request.ContentLength ?? settings.MaxBodyBytes) * 3;
        var (call, body, error) = await InferenceCall.BeginAsync<JsonObject>(http, db, catalog, limiter, ModelKind.Chat, admit,
            async (onModel, _, token) =>
            {
                var (json, readError) = await InferenceBody.ReadAsync(http.Request, onModel, settings.MaxBodyBytes, token);
                if (readError is not null) return (null, null, readError);
                var (modelId, modelError) = InferenceBody.RequiredString(json!, "model", "model is required");
                return (json, modelId, modelError);
            }, checking);
        if (error is not null) return error;
        var (caller, model) = (call!.Caller, call.Model);

        var (request, invalid) = ChatRequest.From(body!);
        if (invalid is null && !settings.Upstreams.ContainsKey(model.Id))
            invalid = InferenceError.Unavailable($"The model {model.Id} has no backend configured on this service, so it cannot answer chat completions right now. Please contact support.", 60);
        if (invalid is not null) return await call.RefuseAsync(http, db, limiter, invalid, checking);

        var upstream = settings.Upstreams[model.Id];
        var (upstreamBody, prompt, cap, tooBig) = Budget(request!, upstream.Model ?? model.Id, limiter.TokensPerMinute(model), settings.DefaultMaxTokens, model.Id);
        if (tooBig is not null) return await call.RefuseAsync(http, db, limiter, tooBig, checking);

        var reserved = (int)Math.Min(int.MaxValue, prompt + cap);
        var message = new HttpRequestMessage(HttpMethod.Post, upstream.Endpoint("/v1/chat/completions"))
        {
            Content = new StreamContent(upstreamBody, 16 * 1024) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (upstream.Key is { } key) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (request!.Stream) message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        // Until its answer begins the upstream has INFERENCE_UPSTREAM_TIMEOUT; a non-streamed answer must also end
        // within the request timeout, the router's limit, which is then what cuts it (504).
        var left = requestTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : requestTimeout - Stopwatch.GetElapsedTime(started);
        var deadlineFirst = !request.Stream && left <= settings.UpstreamTimeout;
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadlineFirst ? TimeSpan.FromTicks(Math.Max(1, left.Ticks)) : settings.UpstreamTimeout);
        // The upstream call starts while the rate window admits (one database round trip off the time to first token);
        // nothing of its answer is read, let alone relayed, unless admission succeeds, and a refusal cancels it.
        // The body was checked and the window was not known full, so a refusal here is rare (UpstreamCallsRefused counts them).
        var send = clients.CreateClient(InferenceEndpoints.UpstreamClient).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        RateDecision decision;
        try
        {
            decision = await limiter.AdmitAsync(db, caller.ResourceId, model, reserved, checking);
        }
        catch
        {
            await AbandonAsync(send, message, timeout);
            throw;
        }
        decision.WriteHeaders(http.Response);
        if (!decision.Admitted)
        {
            UpstreamCallsRefused.Add(1, new KeyValuePair<string, object?>("model", model.Id));
            await AbandonAsync(send, message, timeout);
            return InferenceCall.RateLimited(http, decision, model.Id);
        }

        var exchange = new ChatExchange(caller.ResourceId, model.Id, decision.EventId!.Value, prompt, request.ClientAskedForUsage,
            upstream.Model is { } m && m != model.Id ? m : null, message, timeout, send, logger);

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
                    return await ChatUpstream.FailureAsync(response, model.Id, logger, timeout.Token);
                }
                var answer = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token) as JsonObject
                    ?? throw new JsonException("not an object");
                var (used, completion) = ChatUpstream.ReadUsage(answer["usage"]) ?? (prompt, (answer["choices"]?.ToJsonString().Length ?? 0) / 4);
                if (answer.ContainsKey("model")) answer["model"] = model.Id;
                await InferenceUsage.RecordAsync(db, caller.ResourceId, model.Id, clock.GetUtcNow().UtcDateTime, used, completion, 0, exchange.RateEventId, CancellationToken.None);
                // The window now holds what was really used, not the reservation: say so in this answer already.
                if (decision.RemainingTokens is { } remaining && decision.LimitTokens is { } limit)
                    http.Response.Headers["x-ratelimit-remaining-tokens"] =
                        Math.Clamp(remaining + reserved - (used + completion), 0, limit).ToString(CultureInfo.InvariantCulture);
                return TypedResults.Content(answer.ToJsonString(), "application/json; charset=utf-8");
            }
            catch (OperationCanceledException) when (deadlineFirst && !ct.IsCancellationRequested)
            {
                await SettleUnusedAsync(db, exchange.RateEventId);
                return InferenceError.GatewayTimeout(
                    $"The model {model.Id} did not finish within the request timeout of {requestTimeout.TotalSeconds:0} s. Send \"stream\": true for long generations: a stream may run past it.");
            }
            catch (JsonException e)
            {
                await SettleUnusedAsync(db, exchange.RateEventId);
                logger.LogWarning(e, "Chat upstream for {Model} sent an answer we could not read.", model.Id);
                return InferenceError.UpstreamFailed($"The model {model.Id} failed to answer. Please retry.");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !ct.IsCancellationRequested)
            {
                await SettleUnusedAsync(db, exchange.RateEventId);
                return ChatUpstream.FailureOf(e, model.Id, logger);
            }
        }
    }

    /// <summary>
    /// The upstream body and what it may cost: the prompt estimate (UTF-8 bytes / 4 of everything the model reads:
    /// messages, tools, tool results, schemas) plus the completion cap (the larger of max_tokens and
    /// max_completion_tokens, else the default, lowered to what fits). A request that can never fit the model's
    /// tokens per minute is refused rather than clamped.
    /// </summary>
    private static (MemoryStream Body, long Prompt, int Cap, InferenceError? TooBig) Budget(ChatRequest request, string upstreamModel, int? tpm, int defaultCap, string modelId)
    {
        var upstream = request.Upstream;
        upstream["model"] = upstreamModel;
        var cap = request.MaxTokens ?? defaultCap;
        upstream["max_tokens"] = cap;
        var body = Serialize(upstream);
        var prompt = body.Length / 4 + 1L;
        if (tpm is not { } budget) return (body, prompt, cap, null);

        if (request.MaxTokens is null && prompt + cap > budget && prompt < budget)
        {
            cap = (int)(budget - prompt);
            upstream["max_tokens"] = cap;
            body = Serialize(upstream);
        }
        if (prompt + cap <= budget) return (body, prompt, cap, null);
        var what = request.MaxTokens is null
            ? $"its input alone is estimated at {prompt} tokens"
            : $"it may use {prompt + cap} tokens ({prompt} estimated for its input, {cap} for max_tokens)";
        return (body, prompt, cap, InferenceError.BadRequest(
            $"This request can never fit {modelId}'s {budget} tokens per minute: {what}. Lower max_tokens or shorten the messages and tools."));
    }

    /// <summary>
    /// The upstream body, written into a buffer of its own rather than JsonSerializer's pooled one (a 2 MB body would
    /// rent a multi-megabyte array from the process-wide ArrayPool, which keeps it). It is sent as a stream, copied
    /// through the connection's own small buffer: sent as one array, a pooled upstream connection's socket keeps a
    /// reference to it until the connection is reused or closed (measured: 2 MB per idle connection after a burst,
    /// tests/AddonProvider.Benchmarks/results/2026-11-30-memory-return.md).
    /// </summary>
    private static MemoryStream Serialize(JsonObject upstream)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) upstream.WriteTo(writer);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Upstream calls started alongside an admission that then refused (and cancelled them).</summary>
    public static readonly System.Diagnostics.Metrics.Counter<long> UpstreamCallsRefused =
        Hosting.Telemetry.Meter.CreateCounter<long>("addon.inference.upstream_calls_refused", description: "Chat upstream calls started during an admission that refused, then cancelled");

    private static async Task AbandonAsync(Task<HttpResponseMessage> send, HttpRequestMessage message, CancellationTokenSource timeout)
    {
        timeout.Cancel();
        try { (await send).Dispose(); }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException) { }
        message.Dispose();
        timeout.Dispose();
    }

    /// <summary>A request the upstream never served gives its reserved tokens back (it still counted as a request).</summary>
    internal static async Task SettleUnusedAsync(AddonDbContext db, long rateEventId)
    {
        var connection = await InferenceRateLimiter.OpenAsync(db, CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { InferenceRateLimiter.Settle(rateEventId, 0) } };
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
