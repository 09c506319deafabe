using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Inference;

/// <summary><c>POST /v1/rerank</c>: the seed's request, response and 400 messages, word for word.</summary>
public static class RerankEndpoint
{
    /// <summary>
    /// What a rerank takes from the memory budget before its body is read: the read buffer and Kestrel's own request
    /// buffer (1 MiB), however large the body; the reader asks for more when it must hold more (see <see cref="RerankBody"/>).
    /// </summary>
    private const long AdmitBytes = 1024 * 1024;

    public static async Task<Results<Ok<RerankResponse>, InferenceError>> Handle(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, RerankBackend backend,
        TimeProvider clock, CancellationToken ct)
    {
        var admit = Math.Min(http.Request.ContentLength ?? AdmitBytes, AdmitBytes);
        var (call, body, error) = await InferenceCall.BeginAsync<RerankBody>(http, db, catalog, limiter, ModelKind.Rerank, admit,
            async (onModel, lease, token) =>
            {
                var (read, readError) = await RerankBody.ReadAsync(http.Request.Body, onModel, backend.KeepsDocumentsFor,
                    bytes => lease.GrowAsync(bytes, token), () => InferenceCall.TooBusy(http.RequestServices.GetRequiredService<Hosting.RequestMemoryBudget>()), token);
                if (readError is not null) return (null, null, readError);
                if (read!.Model.NotString) return (read, null, InferenceError.BadRequest("model must be a string"));
                return string.IsNullOrWhiteSpace(read.Model.Value)
                    ? (read, null, InferenceError.BadRequest("model is required"))
                    : (read, read.Model.Value, null);
            }, ct);
        if (error is not null) return error;
        var (caller, model) = (call!.Caller, call.Model);

        var (topN, invalid) = Validate(body!);
        if (invalid is not null) return await call.RefuseAsync(http, db, limiter, invalid, ct);

        var decision = await limiter.AdmitAsync(db, caller.ResourceId, model, 0, ct);
        decision.WriteHeaders(http.Response);
        if (!decision.Admitted) return InferenceCall.RateLimited(http, decision, model.Id);

        var (results, backendError) = await backend.RankAsync(model.Id, body!, topN, ct);
        if (backendError is not null) return backendError;

        var units = RerankBackend.SearchUnits(body!.DocumentCount);
        await InferenceUsage.RecordAsync(db, caller.ResourceId, model.Id, clock.GetUtcNow().UtcDateTime, 0, 0, units, null, ct);
        return TypedResults.Ok(new RerankResponse(Guid.NewGuid().ToString(), results!,
            new RerankMeta(new ApiVersion("2", false), new BilledUnits(units))));
    }

    /// <summary>The seed's checks after <c>model</c>, in its order; answers top_n (at most the number of documents).</summary>
    private static (int TopN, InferenceError?) Validate(RerankBody body)
    {
        if (body.Query.NotString) return (0, InferenceError.BadRequest("query must be a string"));
        if (string.IsNullOrWhiteSpace(body.Query.Value)) return (0, InferenceError.BadRequest("query is required"));

        const string missingDocuments = "documents array is required and cannot be empty";
        if (body.DocumentsIsArray is null) return (0, InferenceError.BadRequest(missingDocuments));
        if (body.DocumentsIsArray == false) return (0, InferenceError.BadRequest("documents must be an array of strings"));
        if (body.DocumentCount == 0) return (0, InferenceError.BadRequest(missingDocuments));
        if (body.DocumentCount > RerankBackend.MaxDocuments)
            return (0, InferenceError.BadRequest(
                $"documents array exceeds maximum of {RerankBackend.MaxDocuments} items (received {body.DocumentCount}). Please reduce the number of documents per request"));
        if (body.FirstNonString is { } i)
            return (0, InferenceError.BadRequest($"documents must be an array of strings (documents[{i}] is not a string)"));

        if (body.TopN.Invalid) return (0, InferenceError.BadRequest("top_n must be a positive integer"));
        return (Math.Min(body.TopN.Value ?? body.DocumentCount, body.DocumentCount), null);
    }
}
