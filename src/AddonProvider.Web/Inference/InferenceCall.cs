using System.Text.Json.Nodes;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;

namespace AddonProvider.Web.Inference;

/// <summary>What every /v1 endpoint establishes first: the JSON body, the calling key's resource, and a model it may use.</summary>
public sealed record InferenceCall(JsonObject Body, InferenceCaller Caller, InferenceModel Model)
{
    /// <summary>
    /// Refuses a key with no room left for its model before reading the body (a single-model key, or a standard key
    /// whose every model is full); a standard key with only some models full is refused as soon as the body's
    /// <c>model</c> has arrived. Then reads the body and resolves <c>model</c> for <paramref name="kind"/>.
    /// </summary>
    public static async Task<(InferenceCall? Call, InferenceError? Error)> BeginAsync(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, ModelKind kind, CancellationToken ct)
    {
        var caller = http.Caller();
        var snapshot = await catalog.GetAsync();
        var full = new Dictionary<string, RateDecision>();
        var usable = ModelAccess.Usable(snapshot, caller, kind);
        foreach (var model in usable)
            if (limiter.MaybeFull(caller.ResourceId, model.Id) && await limiter.FullAsync(db, caller.ResourceId, model, ct) is { } decision)
                full[model.Id] = decision;

        if (usable.Count > 0 && full.Count == usable.Count)
        {
            await InferenceBody.DrainAsync(http.Request, ct);
            return (null, usable.Count == 1 ? RateLimited(http, full[usable[0].Id], usable[0].Id) : AllFull(http, full.Values));
        }
        Func<string, Task<InferenceError?>>? onModel = full.Count == 0 ? null : id =>
            Task.FromResult(full.TryGetValue(id, out var d) ? RateLimited(http, d, id) : null);

        var (body, error) = await InferenceBody.ReadAsync(http.Request, onModel, ct);
        if (error is not null) return (null, error);
        var (modelId, modelError) = InferenceBody.RequiredString(body!, "model", "model is required");
        if (modelError is not null) return (null, modelError);

        var (resolved, accessError) = ModelAccess.Resolve(snapshot, caller, modelId!, kind);
        return accessError is not null ? (null, new InferenceError(accessError)) : (new InferenceCall(body!, caller, resolved!), null);
    }

    /// <summary>The 429 for a full window, with its rate-limit headers and Retry-After.</summary>
    public static InferenceError RateLimited(HttpContext http, RateDecision decision, string modelId)
    {
        decision.WriteHeaders(http.Response);
        return InferenceError.RateLimited(decision.RemainingRequests == 0
            ? $"Rate limit exceeded: {decision.LimitRequests} requests per minute for {modelId}. Retry after the time in the Retry-After header."
            : $"Rate limit exceeded: {decision.LimitTokens} tokens per minute for {modelId} (each request reserves its prompt and max_tokens until it ends). Retry after the time in the Retry-After header.");
    }

    private static InferenceError AllFull(HttpContext http, IEnumerable<RateDecision> decisions)
    {
        var soonest = decisions.Min(d => d.RetryAfterSeconds);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(soonest)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return InferenceError.RateLimited("Rate limit exceeded for every model this key can call on this endpoint. Retry after the time in the Retry-After header.");
    }

    /// <summary>A refusal once the model is known still carries the window's rate-limit headers, without taking a place.</summary>
    public async Task<InferenceError> RefuseAsync(HttpContext http, AddonDbContext db, InferenceRateLimiter limiter, InferenceError error, CancellationToken ct)
    {
        (await limiter.PeekAsync(db, Caller.ResourceId, Model, ct)).WriteHeaders(http.Response);
        return error;
    }
}
