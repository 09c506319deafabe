using System.Text.Json.Nodes;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;

namespace AddonProvider.Web.Inference;

/// <summary>What every /v1 endpoint establishes first: the JSON body, the calling key's resource, and a model it may use.</summary>
public sealed record InferenceCall(JsonObject Body, InferenceCaller Caller, InferenceModel Model)
{
    /// <summary>Reads the body and resolves `model` for <paramref name="kind"/>; the first failure is the answer.</summary>
    public static async Task<(InferenceCall? Call, Failure? Error)> BeginAsync(
        HttpContext http, CatalogCache catalog, ModelKind kind, CancellationToken ct)
    {
        var (body, error) = await InferenceBody.ReadAsync(http.Request, ct);
        if (error is not null) return (null, error);
        var (modelId, modelError) = InferenceBody.RequiredString(body!, "model", "model is required");
        if (modelError is not null) return (null, modelError);

        var caller = http.Caller();
        var (model, accessError) = ModelAccess.Resolve(await catalog.GetAsync(), caller, modelId!, kind);
        return accessError is not null ? (null, accessError) : (new InferenceCall(body!, caller, model!), null);
    }

    /// <summary>A refusal once the model is known still carries the window's rate-limit headers, without taking a place.</summary>
    public async Task<InferenceError> RefuseAsync(HttpContext http, AddonDbContext db, InferenceRateLimiter limiter, Failure failure, CancellationToken ct)
    {
        (await limiter.PeekAsync(db, Caller.ResourceId, Model, ct)).WriteHeaders(http.Response);
        return new InferenceError(failure);
    }
}
