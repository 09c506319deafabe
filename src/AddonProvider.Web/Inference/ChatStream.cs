using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Data;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Relays the upstream's server-sent events as they arrive, event by event, ending with <c>data: [DONE]</c>.
/// While the upstream is silent it sends SSE comments (<c>: keep-alive</c>) every INFERENCE_STREAM_KEEPALIVE,
/// so the router's 55 s idle limit never cuts a slow model off. A failure after the stream started becomes an
/// error event in the inference shape. Usage is recorded and the token reservation settled when it ends.
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
                await WriteErrorAsync(response, await ChatUpstream.FailureAsync(upstream, exchange.ModelId, aborted), aborted);
                return;
            }

            using var reader = new StreamReader(await upstream.Content.ReadAsStreamAsync(exchange.Timeout.Token), Encoding.UTF8);
            var sawDone = false;
            var skipBlank = false;
            while (!sawDone)
            {
                exchange.Timeout.CancelAfter(settings.UpstreamTimeout); // the upstream timeout bounds each silence, not the whole stream
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
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !aborted.IsCancellationRequested)
        {
            await WriteErrorAsync(response, ChatUpstream.FailureOf(e, exchange.ModelId, aborted), aborted);
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

    private static async Task WriteErrorAsync(HttpResponse response, Failure failure, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new InferenceError(failure).Value, InferenceJson.Options);
        Buffer(response, "data: " + json);
        await WriteAsync(response, "\n"u8.ToArray(), ct);
        await WriteAsync(response, Done, ct);
    }
}
