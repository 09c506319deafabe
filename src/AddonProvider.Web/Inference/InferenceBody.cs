using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Web.Errors;

namespace AddonProvider.Web.Inference;

/// <summary>Reads a <c>/v1</c> request body as a JSON object; every way it can be wrong is an inference-shaped 4xx.</summary>
public static class InferenceBody
{
    public static async Task<(JsonObject? Body, Failure? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken: ct);
            return node is JsonObject obj ? (obj, null) : (null, Failure.BadRequest("The request body must be a JSON object."));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            return (null, Failure.BadRequest($"The request body is not valid JSON{where}."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Failure.TooLarge("The request body is too large."));
        }
    }

    /// <summary>A required string member: null when missing, null or blank.</summary>
    public static (string? Value, Failure? Error) RequiredString(JsonObject body, string name, string missingMessage)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null) return (null, Failure.BadRequest(missingMessage));
        if (node.GetValueKind() != JsonValueKind.String) return (null, Failure.BadRequest($"{name} must be a string"));
        var value = node.GetValue<string>();
        return string.IsNullOrWhiteSpace(value) ? (null, Failure.BadRequest(missingMessage)) : (value, null);
    }

    /// <summary>An optional positive integer member; null when absent.</summary>
    public static (int? Value, Failure? Error) OptionalPositiveInt(JsonObject body, string name)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null) return (null, null);
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var n) && n > 0) return (n, null);
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d > 0 && d == Math.Floor(d))
            return ((int)Math.Min(d, int.MaxValue), null);
        return (null, Failure.BadRequest($"{name} must be a positive integer"));
    }
}
