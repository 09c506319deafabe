using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Inference;

/// <summary><c>POST /v1/rerank</c>: the seed's request, response and 400 messages, word for word.</summary>
public static class RerankEndpoint
{
    public static async Task<Results<Ok<RerankResponse>, InferenceError>> Handle(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, RerankBackend backend,
        TimeProvider clock, CancellationToken ct)
    {
        var (call, error) = await InferenceCall.BeginAsync(http, db, catalog, limiter, ModelKind.Rerank, ct);
        if (error is not null) return error;
        var (body, caller, model) = (call!.Body, call.Caller, call.Model);

        var (request, invalid) = Validate(body!);
        if (invalid is not null) return await call.RefuseAsync(http, db, limiter, invalid, ct);

        var decision = await limiter.AdmitAsync(db, caller.ResourceId, model!, 0, ct);
        decision.WriteHeaders(http.Response);
        if (!decision.Admitted) return InferenceCall.RateLimited(http, decision, model!.Id);

        var (results, backendError) = await backend.RankAsync(model!.Id, request!.Query, request.Documents, request.TopN, ct);
        if (backendError is not null) return backendError;

        var units = RerankBackend.SearchUnits(request.Documents.Count);
        await InferenceUsage.RecordAsync(db, caller.ResourceId, model.Id, clock.GetUtcNow().UtcDateTime, 0, 0, units, null, ct);
        return TypedResults.Ok(new RerankResponse(Guid.NewGuid().ToString(), results!,
            new RerankMeta(new ApiVersion("2", false), new BilledUnits(units))));
    }

    private sealed record Request(string Query, IReadOnlyList<string> Documents, int TopN);

    private static (Request?, InferenceError?) Validate(JsonObject body)
    {
        var (query, queryError) = InferenceBody.RequiredString(body, "query", "query is required");
        if (queryError is not null) return (null, queryError);

        const string missingDocuments = "documents array is required and cannot be empty";
        if (!body.TryGetPropertyValue("documents", out var node) || node is null)
            return (null, InferenceError.BadRequest(missingDocuments));
        if (node is not JsonArray array)
            return (null, InferenceError.BadRequest("documents must be an array of strings"));
        if (array.Count == 0)
            return (null, InferenceError.BadRequest(missingDocuments));
        if (array.Count > RerankBackend.MaxDocuments)
            return (null, InferenceError.BadRequest(
                $"documents array exceeds maximum of {RerankBackend.MaxDocuments} items (received {array.Count}). Please reduce the number of documents per request"));

        var documents = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not { } item || item.GetValueKind() != JsonValueKind.String)
                return (null, InferenceError.BadRequest($"documents must be an array of strings (documents[{i}] is not a string)"));
            documents[i] = item.GetValue<string>();
        }

        var (topN, topError) = InferenceBody.OptionalPositiveInt(body, "top_n");
        if (topError is not null) return (null, topError);
        return (new Request(query!, documents, Math.Min(topN ?? documents.Length, documents.Length)), null);
    }
}
