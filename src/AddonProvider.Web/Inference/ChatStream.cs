using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Data;
using Microsoft.AspNetCore.Http.Features;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Relays the upstream's server-sent events as they arrive, event by event, ending with <c>data: [DONE]</c>.
/// While the upstream is silent it sends SSE comments (<c>: keep-alive</c>) every INFERENCE_STREAM_KEEPALIVE,
/// so the router's 55 s idle limit never cuts a slow model off. The request timeout does not apply: a stream lasts
/// while the upstream keeps producing within INFERENCE_UPSTREAM_TIMEOUT of silence, up to INFERENCE_STREAM_MAX_DURATION.
/// A failure after the stream started becomes one <c>data:</c> event holding the inference error object (the OpenAI
/// SDKs raise it), and the stream closes without <c>[DONE]</c>. The client going away cancels the upstream call.
/// Usage is recorded and the token reservation settled on every way out.
/// </summary>
public sealed class ChatStream(ChatExchange exchange, InferenceSettings settings) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        using var _ = exchange;
        var aborted = http.RequestAborted;
        var started = Stopwatch.GetTimestamp();
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(aborted);
        // StartAsync does not send the headers. When the upstream is still silent (we waited one keep-alive interval
        // already), send them now: waiting for the first keep-alive would put our first byte at two intervals,
        // 30 s with the default 15 s — exactly when Heroku's router gives up on a request (H12).
        if (!exchange.Send.IsCompleted) await response.Body.FlushAsync(aborted);

        var chunks = 0L;
        (long Prompt, long Completion)? usage = null;
        var served = false;
        try
        {
            while (!exchange.Send.IsCompleted)
                if (await Task.WhenAny(exchange.Send, Task.Delay(settings.KeepAliveInterval, aborted)) != exchange.Send)
                    await WriteAsync(response, KeepAlive, aborted);

            var upstream = await exchange.Send;
            if (!upstream.IsSuccessStatusCode)
            {
                await WriteErrorAsync(response, await ChatUpstream.FailureAsync(upstream, exchange.ModelId, exchange.Logger, aborted), aborted);
                return;
            }

            using var reader = new StreamReader(await upstream.Content.ReadAsStreamAsync(exchange.Timeout.Token), Encoding.UTF8);
            var sawDone = false;
            var skipBlank = false;
            while (!sawDone)
            {
                // The upstream timeout bounds each silence, the maximum duration the whole stream.
                var total = settings.StreamMaxDuration - Stopwatch.GetElapsedTime(started);
                if (total <= TimeSpan.Zero) throw new StreamTooLongException();
                exchange.Timeout.CancelAfter(total < settings.UpstreamTimeout ? total : settings.UpstreamTimeout);
                var pending = reader.ReadLineAsync(exchange.Timeout.Token).AsTask();
                while (!pending.IsCompleted && await Task.WhenAny(pending, Task.Delay(settings.KeepAliveInterval, aborted)) != pending)
                    await WriteAsync(response, KeepAlive, aborted);
                var line = await pending;
                if (line is null) break;

                if (line.Length == 0)
                {
                    if (!skipBlank) await WriteAsync(response, "\n"u8.ToArray(), aborted);
                    skipBlank = false;
                    continue;
                }
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    var payload = line.AsSpan(5).Trim();
                    if (payload.SequenceEqual("[DONE]")) { sawDone = true; break; }
                    chunks++;
                    if (payload.Contains("\"usage\"", StringComparison.Ordinal) && Parse(payload) is { } chunk)
                    {
                        usage = ChatUpstream.ReadUsage(chunk["usage"]) ?? usage;
                        // The usage-only chunk we asked for on the caller's behalf is ours, not theirs.
                        if (!exchange.ClientAskedForUsage && chunk["choices"] is JsonArray { Count: 0 }) { skipBlank = true; continue; }
                    }
                    if (exchange.UpstreamModel is { } m) line = line.Replace($"\"model\":\"{m}\"", $"\"model\":\"{exchange.ModelId}\"", StringComparison.Ordinal);
                }
                Buffer(response, line);
            }
            served = true;
            await WriteAsync(response, Done, aborted);
        }
        catch (Exception e) when (e is StreamTooLongException or OperationCanceledException && Stopwatch.GetElapsedTime(started) >= settings.StreamMaxDuration
                                   && !aborted.IsCancellationRequested)
        {
            await WriteErrorAsync(response, InferenceError.GatewayTimeout(
                $"The stream reached its maximum duration of {settings.StreamMaxDuration.TotalMinutes:0.#} minutes and was ended."), aborted);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !aborted.IsCancellationRequested)
        {
            exchange.Logger.LogWarning(e, "Chat upstream stream for {Model} broke after {Chunks} chunks.", exchange.ModelId, chunks);
            await WriteErrorAsync(response, e is OperationCanceledException
                ? InferenceError.UpstreamFailed($"The model {exchange.ModelId} went silent for longer than {settings.UpstreamTimeout.TotalSeconds:0} s; the answer is incomplete. Please retry.")
                : InferenceError.UpstreamFailed($"The model {exchange.ModelId} failed while answering; the answer is incomplete. Please retry."), aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The caller went away; disposing the exchange closes the upstream stream too.
        }
        finally
        {
            var db = http.RequestServices.GetRequiredService<AddonDbContext>();
            if (served || chunks > 0)
            {
                var (prompt, completion) = usage ?? (exchange.PromptEstimate, chunks); // ~one token per chunk when the upstream reports none
                await InferenceUsage.RecordAsync(db, exchange.ResourceId, exchange.ModelId,
                    http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, prompt, completion, 0, exchange.RateEventId, CancellationToken.None);
            }
            else await ChatCompletionsEndpoint.SettleUnusedAsync(db, exchange.RateEventId);
        }
    }

    private static JsonNode? Parse(ReadOnlySpan<char> payload)
    {
        try { return JsonNode.Parse(payload.ToString()); }
        catch (JsonException) { return null; }
    }

    private static void Buffer(HttpResponse response, string line)
    {
        var writer = response.BodyWriter;
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
        var n = Encoding.UTF8.GetBytes(line, span);
        span[n] = (byte)'\n';
        writer.Advance(n + 1);
    }

    private static async Task WriteAsync(HttpResponse response, byte[] bytes, CancellationToken ct)
    {
        await response.BodyWriter.WriteAsync(bytes, ct); // PipeWriter.WriteAsync flushes
    }

    private static async Task WriteErrorAsync(HttpResponse response, InferenceError error, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(error.Value, InferenceJson.Options);
        Buffer(response, "data: " + json);
        await WriteAsync(response, "\n"u8.ToArray(), ct);
    }

    private sealed class StreamTooLongException : Exception;
}
