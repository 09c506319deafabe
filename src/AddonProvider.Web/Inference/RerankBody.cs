using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AddonProvider.Web.Inference;

/// <summary>
/// A <c>/v1/rerank</c> body read token by token from the request stream: no DOM, no copy of the body. Documents are
/// tokenized for BM25 as they arrive once the query is known (the usual order: model, query, documents); documents
/// that come before the query, or that an upstream ranker must receive, are kept as UTF-8, one copy. Problems are
/// noted as the body streams by and reported in the order the seed's full parse checked them, so the messages stay
/// word for word.
/// </summary>
public sealed class RerankBody
{
    private const int FirstBuffer = 16 * 1024;

    private enum Member { None, Other, Model, Query, Documents, TopN }

    private readonly Func<string?, bool> _keepDocumentsFor;
    private readonly Func<long, ValueTask<bool>> _grow;
    private Member _member;
    private int _skipDepth = -1;
    private bool _started, _notObject, _inDocuments, _modelArrived;
    private string? _duplicate;
    private readonly HashSet<Member> _seen = [];
    private Bm25Ranker.Scorer? _scorer;
    private char[]? _chars;
    private long _keptBytes;

    private RerankBody(Func<string?, bool> keepDocumentsFor, Func<long, ValueTask<bool>> grow)
    {
        _keepDocumentsFor = keepDocumentsFor;
        _grow = grow;
    }

    public (string? Value, bool Present, bool NotString) Model { get; private set; }
    public (string? Value, bool Present, bool NotString) Query { get; private set; }
    /// <summary>null: missing or null; false: not an array.</summary>
    public bool? DocumentsIsArray { get; private set; }
    public int DocumentCount { get; private set; }
    public int? FirstNonString { get; private set; }
    public (bool Present, int? Value, bool Invalid) TopN { get; private set; }
    /// <summary>Documents kept as UTF-8 (before the query arrived, or for an upstream ranker), in order, not yet scored.</summary>
    public List<byte[]> Kept { get; } = [];

    /// <summary>
    /// Reads the body. <paramref name="keepDocumentsFor"/> says, for the model (null while it has not arrived),
    /// whether documents must be kept for an upstream; <paramref name="grow"/> asks the memory budget for more
    /// bytes when the reader must hold more (a long token, kept documents) and says no when it cannot have them.
    /// </summary>
    public static async Task<(RerankBody? Body, InferenceError? Error)> ReadAsync(
        Stream stream, Func<string, Task<InferenceError?>>? onModel, Func<string?, bool> keepDocumentsFor,
        Func<long, ValueTask<bool>> grow, Func<InferenceError> tooBusy, CancellationToken ct)
    {
        var body = new RerankBody(keepDocumentsFor, grow);
        var buffer = new byte[FirstBuffer];
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 });
        int start = 0, end = 0;
        var final = false;
        try
        {
            while (true)
            {
                while (!final && end < buffer.Length)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(end), ct);
                    if (read == 0) final = true;
                    else end += read;
                }
                var consumed = body.Consume(buffer.AsSpan(start, end - start), final, ref state);
                start += consumed;
                if (body._modelArrived && onModel is not null)
                {
                    var model = body.Model.Value!;
                    body._modelArrived = false;
                    if (await onModel(model) is { } refusal)
                    {
                        await InferenceBody.DrainAsync(stream, ct);
                        return (null, refusal);
                    }
                }
                if (body._keptBytes > 0 && !await body.GrowAsync(body._keptBytes))
                {
                    await InferenceBody.DrainAsync(stream, ct);
                    return (null, tooBusy());
                }
                body._keptBytes = 0;
                if (final) break;
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    (start, end) = (0, end - start);
                }
                else if (end == buffer.Length)
                {
                    // One token longer than the buffer: double it (so re-reading the token's start stays linear).
                    if (!await body.GrowAsync(buffer.Length))
                    {
                        await InferenceBody.DrainAsync(stream, ct);
                        return (null, tooBusy());
                    }
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
        }
        catch (JsonException e)
        {
            await InferenceBody.DrainAsync(stream, ct);
            return (null, InferenceBody.NotJson(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, InferenceError.TooLarge("The request body is too large."));
        }
        if (!body._started) return (null, InferenceError.BadRequest("The request body is not valid JSON (line 1, position 1)."));
        return body._notObject ? (null, InferenceError.BadRequest("The request body must be a JSON object."))
            : body._duplicate is { } name ? (null, InferenceError.BadRequest($"The request body has more than one \"{name}\" member."))
            : (body, null);
    }

    private ValueTask<bool> GrowAsync(long bytes) => _grow(bytes);

    /// <summary>Reads every complete token of <paramref name="data"/>; returns how many bytes they took.</summary>
    private int Consume(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            if (!_started)
            {
                _started = true;
                _notObject = reader.TokenType != JsonTokenType.StartObject;
                continue;
            }
            if (_notObject) continue; // still read to the end: invalid JSON anywhere is reported first
            if (_skipDepth >= 0)
            {
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == _skipDepth) _skipDepth = -1;
                continue;
            }
            if (_inDocuments)
            {
                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1) { _inDocuments = false; continue; }
                Document(ref reader);
                continue;
            }
            if (reader.CurrentDepth == 0) continue; // the root's end
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                _member = reader.ValueTextEquals("model"u8) ? Member.Model
                    : reader.ValueTextEquals("query"u8) ? Member.Query
                    : reader.ValueTextEquals("documents"u8) ? Member.Documents
                    : reader.ValueTextEquals("top_n"u8) ? Member.TopN
                    : Member.Other;
                if (_member != Member.Other && !_seen.Add(_member)) _duplicate ??= reader.GetString();
                continue;
            }
            Value(ref reader);
        }
        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private void Value(ref Utf8JsonReader reader)
    {
        var type = reader.TokenType;
        if (type is JsonTokenType.StartObject or JsonTokenType.StartArray && !(_member == Member.Documents && type == JsonTokenType.StartArray))
            _skipDepth = reader.CurrentDepth;
        switch (_member)
        {
            case Member.Model:
                Model = StringMember(ref reader);
                if (Model.Value is not null) _modelArrived = true;
                break;
            case Member.Query:
                Query = StringMember(ref reader);
                if (Query.Value is { } query) _scorer = new Bm25Ranker.Scorer(query, 64);
                break;
            case Member.Documents:
                DocumentsIsArray = type == JsonTokenType.Null ? null : type == JsonTokenType.StartArray;
                _inDocuments = type == JsonTokenType.StartArray;
                break;
            case Member.TopN:
                if (type == JsonTokenType.Null) { TopN = (false, null, false); break; }
                if (type == JsonTokenType.Number && reader.TryGetInt32(out var n) && n > 0) { TopN = (true, n, false); break; }
                if (type == JsonTokenType.Number && reader.TryGetDouble(out var d) && d > 0 && d == Math.Floor(d))
                {
                    TopN = (true, (int)Math.Min(d, int.MaxValue), false);
                    break;
                }
                TopN = (true, null, true);
                break;
        }
        _member = Member.None;
    }

    private static (string?, bool, bool) StringMember(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => (null, false, false),
        JsonTokenType.String => (reader.GetString(), true, false),
        _ => (null, true, true),
    };

    private void Document(ref Utf8JsonReader reader)
    {
        var index = DocumentCount++;
        if (reader.TokenType != JsonTokenType.String)
        {
            FirstNonString ??= index;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) _skipDepth = reader.CurrentDepth;
            return;
        }
        if (index >= RerankBackend.MaxDocuments || FirstNonString is not null) return; // refused at the end: only counted

        var keep = _scorer is null || _keepDocumentsFor(Model.Value);
        if (keep)
        {
            var bytes = new byte[reader.ValueSpan.Length];
            var length = reader.CopyString(bytes);
            Kept.Add(length == bytes.Length ? bytes : bytes[..length]); // shorter only when it had escapes
            _keptBytes += length;
            return;
        }
        Flush();
        var chars = Chars(reader.ValueSpan.Length);
        _scorer!.Add(chars.AsSpan(0, reader.CopyString(chars)));
    }

    /// <summary>Scores kept documents now that the query is known, so every document is scored in order.</summary>
    private void Flush()
    {
        if (Kept.Count == 0 || _scorer is null) return;
        foreach (var utf8 in Kept)
        {
            var chars = Chars(utf8.Length);
            _scorer.Add(chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, chars)));
        }
        Kept.Clear();
    }

    private char[] Chars(int utf8Length) =>
        _chars is { } c && c.Length >= utf8Length ? c : _chars = new char[Math.Max(utf8Length, 4096)];

    /// <summary>The scores of every document (call once the body has been validated: the query is then known).</summary>
    public double[] Scores()
    {
        _scorer ??= new Bm25Ranker.Scorer(Query.Value!, Kept.Count);
        Flush();
        _chars = null;
        return _scorer.Scores();
    }
}
