using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Web.Errors;

namespace AddonProvider.Web.Inference;

/// <summary>One forwarded chat completion: the upstream call in flight and what settling it needs.</summary>
public sealed class ChatExchange(
    Guid resourceId, string modelId, long rateEventId, long promptEstimate, bool clientAskedForUsage,
    string? upstreamModel, HttpRequestMessage request, CancellationTokenSource timeout, Task<HttpResponseMessage> send) : IDisposable
{
    public Guid ResourceId { get; } = resourceId;
    public string ModelId { get; } = modelId;
    public long RateEventId { get; } = rateEventId;
    public long PromptEstimate { get; } = promptEstimate;
    public bool ClientAskedForUsage { get; } = clientAskedForUsage;
    /// <summary>Set when the upstream's model name differs from ours, so answers are relabelled to our id.</summary>
    public string? UpstreamModel { get; } = upstreamModel;
    public CancellationTokenSource Timeout { get; } = timeout;
    public Task<HttpResponseMessage> Send { get; } = send;

    public void Dispose()
    {
        if (Send.IsCompletedSuccessfully) Send.Result.Dispose();
        request.Dispose();
        Timeout.Dispose();
    }
}

/// <summary>How an upstream failure looks to our customer: never the upstream's internals, never its credentials.</summary>
public static class ChatUpstream
{
    public static async Task<Failure> FailureAsync(HttpResponseMessage response, string modelId, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status is 400 or 404 or 413 or 422)
        {
            var detail = await ReadErrorMessageAsync(response, ct);
            return Failure.BadRequest(detail is null
                ? $"The model {modelId} refused the request."
                : $"The model {modelId} refused the request: {detail}");
        }
        return status == 429
            ? Failure.Unavailable($"The backend for {modelId} is busy; please retry shortly.")
            : Failure.BadGateway($"The backend for {modelId} failed (status {status}). Please retry.");
    }

    public static Failure FailureOf(Exception e, string modelId, CancellationToken clientAborted) => e switch
    {
        OperationCanceledException when !clientAborted.IsCancellationRequested =>
            Failure.GatewayTimeout($"The backend for {modelId} did not answer in time."),
        _ => Failure.BadGateway($"The backend for {modelId} could not be reached. Please retry."),
    };

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

    /// <summary>Prompt tokens, roughly (4 characters a token), for the admission-time reservation.</summary>
    public static long EstimatePromptTokens(JsonNode? messages) =>
        messages is null ? 0 : messages.ToJsonString().Length / 4 + 1;

    public static (long Prompt, long Completion)? ReadUsage(JsonNode? usage) =>
        usage is JsonObject u && u["prompt_tokens"] is JsonValue p && u["completion_tokens"] is JsonValue c
            && p.TryGetValue<long>(out var prompt) && c.TryGetValue<long>(out var completion)
            ? (prompt, completion) : null;
}
