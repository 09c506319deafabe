using System.Text.Json.Serialization;

namespace AddonProvider.Web.Inference;

public sealed record RerankResult(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("relevance_score")] double RelevanceScore);

public sealed record ApiVersion(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("is_experimental")] bool IsExperimental);

public sealed record BilledUnits([property: JsonPropertyName("search_units")] int SearchUnits);

public sealed record RerankMeta(
    [property: JsonPropertyName("api_version")] ApiVersion ApiVersion,
    [property: JsonPropertyName("billed_units")] BilledUnits BilledUnits);

public sealed record RerankResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("results")] IReadOnlyList<RerankResult> Results,
    [property: JsonPropertyName("meta")] RerankMeta Meta);
