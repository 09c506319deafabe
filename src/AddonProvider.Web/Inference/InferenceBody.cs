using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AddonProvider.Web.Inference;

/// <summary>Reads a <c>/v1</c> request body as a JSON object; every way it can be wrong is an inference-shaped 4xx.</summary>
public static class InferenceBody
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>
    /// Reads the body and parses it as one JSON object. With <paramref name="onModel"/>, the top-level <c>model</c> is
    /// handed over as soon as it has arrived (wherever it sits: SDKs often send <c>messages</c> first); a refusal
    /// stops there, and the rest of the body is drained, never kept or parsed. The body is read into one buffer of
    /// its announced size and the object's nodes read their values from that buffer (no second copy of the text).
    /// </summary>
    public static async Task<(JsonObject? Body, InferenceError? Error)> ReadAsync(
        HttpRequest request, Func<string, Task<InferenceError?>>? onModel, long maxBytes, CancellationToken ct)
    {
        try
        {
            var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? ChunkBytes, 1, Math.Max(1, maxBytes)) + 1);
            var scanner = onModel is null ? null : new ModelScanner();
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(1), ct);
                if (read == 0) break;
                buffer.Advance(read);
                if (scanner?.Feed(buffer.WrittenSpan) is not { } model) continue;
                scanner = null;
                if (await onModel!(model) is { } refusal)
                {
                    await DrainAsync(request, ct);
                    return (null, refusal);
                }
            }
            var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (JsonObject.Create(document.RootElement), null)
                : (null, InferenceError.BadRequest("The request body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, NotJson(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, InferenceError.TooLarge("The request body is too large."));
        }
    }

    public static InferenceError NotJson(JsonException e)
    {
        var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
        return InferenceError.BadRequest($"The request body is not valid JSON{where}.");
    }

    /// <summary>
    /// Reads what is left of a refused request's body into nothing, so the client, still sending, receives our
    /// answer rather than a reset connection. Nothing is kept; the body size limit still applies.
    /// </summary>
    public static Task DrainAsync(HttpRequest request, CancellationToken ct) => DrainAsync(request.Body, ct);

    public static async Task DrainAsync(Stream body, CancellationToken ct)
    {
        try { await body.CopyToAsync(Stream.Null, ct); }
        catch (BadHttpRequestException) { } // over the size limit: Kestrel closes the connection after our answer
    }

    /// <summary>Finds the top-level <c>"model"</c> string in a body that arrives piece by piece, keeping only the reader's state.</summary>
    private sealed class ModelScanner
    {
        private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 64 });
        private int _consumed;
        private int _waitFor;
        private bool _started, _modelNext, _gaveUp;

        public string? Feed(ReadOnlySpan<byte> all)
        {
            // A token longer than what has arrived (a long message) is re-read only once the pending part doubled,
            // so scanning stays linear in the body's length.
            if (_gaveUp || all.Length < _waitFor) return null;
            var reader = new Utf8JsonReader(all[_consumed..], isFinalBlock: false, _state);
            try
            {
                while (reader.Read())
                {
                    if (!_started)
                    {
                        _started = true;
                        if (reader.TokenType == JsonTokenType.StartObject) continue;
                        _gaveUp = true; // not an object: the full parse will say so
                        return null;
                    }
                    if (_modelNext)
                    {
                        _gaveUp = true; // the one answer this scanner gives, either way
                        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("model"u8))
                        _modelNext = true;
                }
            }
            catch (JsonException)
            {
                _gaveUp = true; // malformed before `model`: the full parse will say where
                return null;
            }
            _consumed += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            _waitFor = all.Length + (all.Length - _consumed);
            return null;
        }
    }

    /// <summary>A required string member: null when missing, null or blank.</summary>
    public static (string? Value, InferenceError? Error) RequiredString(JsonObject body, string name, string missingMessage)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null) return (null, InferenceError.BadRequest(missingMessage));
        if (node.GetValueKind() != JsonValueKind.String) return (null, InferenceError.BadRequest($"{name} must be a string"));
        var value = node.GetValue<string>();
        return string.IsNullOrWhiteSpace(value) ? (null, InferenceError.BadRequest(missingMessage)) : (value, null);
    }

    /// <summary>An optional positive integer member; null when absent.</summary>
    public static (int? Value, InferenceError? Error) OptionalPositiveInt(JsonObject body, string name)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null) return (null, null);
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var n) && n > 0) return (n, null);
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d > 0 && d == Math.Floor(d))
            return ((int)Math.Min(d, int.MaxValue), null);
        return (null, InferenceError.BadRequest($"{name} must be a positive integer"));
    }
}
