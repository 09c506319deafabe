using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Ranks documents for one model: the embedded BM25 ranker, or — when INFERENCE_UPSTREAM_&lt;MODEL&gt;_URL is set —
/// a Cohere-compatible <c>POST {url}/v1/rerank</c>.
/// </summary>
public sealed class RerankBackend(InferenceSettings settings, IHttpClientFactory http, ILogger<RerankBackend> logger)
{
    public const int MaxDocuments = 1000;

    private sealed record UpstreamRequest(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("query")] string Query,
        [property: JsonPropertyName("documents")] Utf8Documents Documents,
        [property: JsonPropertyName("top_n")] int TopN);

    private sealed record UpstreamResponse([property: JsonPropertyName("results")] List<RerankResult>? Results);

    /// <summary>Cohere bills one search unit per query of up to 100 documents.</summary>
    public static int SearchUnits(int documents) => Math.Max(1, (documents + 99) / 100);

    /// <summary>Whether a body's documents must be kept for an upstream ranker (model null: not arrived yet, so any).</summary>
    public bool KeepsDocumentsFor(string? modelId) =>
        modelId is null ? AddonProvider.Data.Catalog.CatalogDefinition.Models.Any(m => m.Kind == AddonProvider.Data.Entities.ModelKind.Rerank && settings.Upstreams.ContainsKey(m.Id)) : settings.Upstreams.ContainsKey(modelId);

    /// <summary>Ranks a validated body: its kept documents upstream, or its streamed BM25 counts here.</summary>
    public async Task<(IReadOnlyList<RerankResult>? Results, InferenceError? Error)> RankAsync(
        string modelId, RerankBody body, int topN, CancellationToken ct)
    {
        if (settings.Upstreams.TryGetValue(modelId, out var upstream))
            return await UpstreamAsync(upstream, modelId, body.Query.Value!, new Utf8Documents(body.Kept), topN, ct);
        return (Best(body.Scores(), topN), null);
    }

    /// <summary>Ranks documents given as strings (the benchmarks' and tests' way in).</summary>
    public async Task<(IReadOnlyList<RerankResult>? Results, InferenceError? Error)> RankAsync(
        string modelId, string query, IReadOnlyList<string> documents, int topN, CancellationToken ct)
    {
        if (settings.Upstreams.TryGetValue(modelId, out var upstream))
            return await UpstreamAsync(upstream, modelId, query, new Utf8Documents([.. documents.Select(System.Text.Encoding.UTF8.GetBytes)]), topN, ct);
        return (Best(Bm25Ranker.Score(query, documents), topN), null);
    }

    private static RerankResult[] Best(double[] scores, int topN)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        // Best first; equal scores keep the caller's order.
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]) is var c and not 0 ? c : a.CompareTo(b));
        var results = new RerankResult[Math.Min(topN, order.Length)];
        for (var i = 0; i < results.Length; i++) results[i] = new RerankResult(order[i], Math.Round(scores[order[i]], 6));
        return results;
    }

    /// <summary>Documents held as UTF-8, written as JSON strings without becoming .NET strings.</summary>
    [JsonConverter(typeof(Utf8DocumentsConverter))]
    private sealed record Utf8Documents(List<byte[]> Items);

    private sealed class Utf8DocumentsConverter : JsonConverter<Utf8Documents>
    {
        public override Utf8Documents Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Utf8Documents value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value.Items) writer.WriteStringValue(item);
            writer.WriteEndArray();
        }
    }

    private async Task<(IReadOnlyList<RerankResult>?, InferenceError?)> UpstreamAsync(
        Upstream upstream, string modelId, string query, Utf8Documents documents, int topN, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.UpstreamTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, upstream.Endpoint("/v1/rerank"))
        {
            Content = JsonContent.Create(new UpstreamRequest(upstream.Model ?? modelId, query, documents, topN)),
        };
        if (upstream.Key is { } key) request.Headers.Authorization = new("Bearer", key);
        try
        {
            using var response = await http.CreateClient(InferenceEndpoints.UpstreamClient).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Rerank upstream for {Model} answered {Status}.", modelId, (int)response.StatusCode);
                return (null, InferenceError.UpstreamFailed($"The rerank backend for {modelId} failed (status {(int)response.StatusCode}). Please retry."));
            }
            var body = await response.Content.ReadFromJsonAsync<UpstreamResponse>(timeout.Token);
            var results = body?.Results?.Where(r => r.Index >= 0 && r.Index < documents.Items.Count)
                .OrderByDescending(r => r.RelevanceScore).Take(topN).ToList();
            return results is null
                ? (null, InferenceError.UpstreamFailed($"The rerank backend for {modelId} sent an answer we could not read."))
                : (results, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, InferenceError.UpstreamFailed($"The rerank backend for {modelId} did not answer in time."));
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException)
        {
            logger.LogWarning(e, "Rerank upstream for {Model} failed.", modelId);
            return (null, InferenceError.UpstreamFailed($"The rerank backend for {modelId} could not be reached. Please retry."));
        }
    }
}
