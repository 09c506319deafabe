using System.Text.Json;
using System.Text.Json.Nodes;

namespace AddonProvider.Web.Inference;

/// <summary>One forwarded chat completion: the upstream call in flight and what settling it needs.</summary>
public sealed class ChatExchange(
    Guid resourceId, string modelId, long rateEventId, long promptEstimate, bool clientAskedForUsage,
    string? upstreamModel, HttpRequestMessage request, CancellationTokenSource timeout, Task<HttpResponseMessage> send, ILogger logger) : IDisposable
{
    public Guid ResourceId { get; } = resourceId;
    public string ModelId { get; } = modelId;
    public long RateEventId { get; } = rateEventId;
    public long PromptEstimate { get; } = promptEstimate;
    public bool ClientAskedForUsage { get; } = clientAskedForUsage;
    /// <summary>Set when the upstream's model name differs from ours, so answers are relabelled to our id.</summary>
    public string? UpstreamModel { get; } = upstreamModel;
    /// <summary>Linked to the client's connection; its timer bounds each wait for the upstream.</summary>
    public CancellationTokenSource Timeout { get; } = timeout;
    public Task<HttpResponseMessage> Send { get; } = send;
    public ILogger Logger { get; } = logger;

    public void Dispose()
    {
        Timeout.Cancel(); // on every way out, an upstream call still running is abandoned, not left generating
        if (Send.IsCompletedSuccessfully) Send.Result.Dispose();
        request.Dispose();
        Timeout.Dispose();
    }
}

/// <summary>
/// How an upstream failure looks to our customer (the seed's table): its refusal of the request is a 400 with its
/// reason; its being busy or unreachable a 503 with Retry-After; any other failure a 500. The detail goes to our log,
/// never into the answer (no upstream internals, no credentials).
/// </summary>
public static class ChatUpstream
{
    public const int BusyRetryAfterSeconds = 5;

    public static async Task<InferenceError> FailureAsync(HttpResponseMessage response, string modelId, ILogger logger, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status is 400 or 404 or 413 or 422)
        {
            var detail = await ReadErrorMessageAsync(response, ct);
            return InferenceError.BadRequest(detail is null
                ? $"The model {modelId} refused the request."
                : $"The model {modelId} refused the request: {detail}");
        }
        logger.LogWarning("Chat upstream for {Model} answered {Status}.", modelId, status);
        if (status is 429 or 503 or 529)
        {
            var wait = response.Headers.RetryAfter?.Delta is { } d ? (int)Math.Ceiling(d.TotalSeconds) : BusyRetryAfterSeconds;
            return InferenceError.Unavailable($"The model {modelId} is overloaded right now; retry after the time in the Retry-After header.", Math.Clamp(wait, 1, 60));
        }
        return InferenceError.UpstreamFailed($"The model {modelId} failed to answer. Please retry.");
    }

    /// <summary>A failure before the upstream's answer began: unreachable is our outage (503); anything else a 500.</summary>
    public static InferenceError FailureOf(Exception e, string modelId, ILogger logger)
    {
        logger.LogWarning(e, "Chat upstream for {Model} failed before answering.", modelId);
        return e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } =>
                InferenceError.Unavailable($"The model {modelId} cannot be reached right now; retry after the time in the Retry-After header.", BusyRetryAfterSeconds),
            OperationCanceledException => InferenceError.UpstreamFailed($"The model {modelId} did not answer in time. Please retry."),
            _ => InferenceError.UpstreamFailed($"The model {modelId} failed to answer. Please retry."),
        };
    }

    /// <summary>An OpenAI-style <c>{"error":{"message"}}</c>, read leniently and cut short.</summary>
    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (text.Length > 64 * 1024) return null;
            var message = JsonNode.Parse(text)?["error"] switch
            {
                JsonObject o => o["message"]?.GetValue<string>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => null,
            };
            return message is null ? null : message.Length <= 500 ? message : message[..500] + "…";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or HttpRequestException or FormatException)
        {
            return null;
        }
    }

    public static (long Prompt, long Completion)? ReadUsage(JsonNode? usage) =>
        usage is JsonObject u && u["prompt_tokens"] is JsonValue p && u["completion_tokens"] is JsonValue c
            && p.TryGetValue<long>(out var prompt) && c.TryGetValue<long>(out var completion)
            ? (prompt, completion) : null;
}
