using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Hosting;

namespace AddonProvider.Web.Inference;

/// <summary>What every /v1 endpoint establishes first: the calling key's resource, a model it may use, and the body.</summary>
public sealed record InferenceCall(InferenceCaller Caller, InferenceModel Model)
{
    /// <summary>
    /// Reads a body, handing over its top-level <c>model</c> as soon as it arrives (null when no window is full) and
    /// growing the request's memory lease when it must hold more; answers the body, its <c>model</c> (checked to be a
    /// non-blank string) or the first thing wrong with it.
    /// </summary>
    public delegate Task<(TBody? Body, string? Model, InferenceError? Error)> BodyReader<TBody>(
        Func<string, Task<InferenceError?>>? onModel, RequestMemoryBudget.Lease lease, CancellationToken ct);

    /// <summary>
    /// Refuses a key with no room left for its model before reading the body (a single-model key, or a standard key
    /// whose every model is full); a standard key with only some models full is refused as soon as the body's
    /// <c>model</c> has arrived. Then admits <paramref name="admitBytes"/> against the process's memory budget
    /// (a short wait, then 503 with Retry-After), reads the body and resolves <c>model</c> for <paramref name="kind"/>.
    /// </summary>
    public static async Task<(InferenceCall? Call, TBody? Body, InferenceError? Error)> BeginAsync<TBody>(
        HttpContext http, AddonDbContext db, CatalogCache catalog, InferenceRateLimiter limiter, ModelKind kind,
        long admitBytes, BodyReader<TBody> read, CancellationToken ct) where TBody : class
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
            return (null, null, usable.Count == 1 ? RateLimited(http, full[usable[0].Id], usable[0].Id) : AllFull(http, full.Values));
        }
        Func<string, Task<InferenceError?>>? onModel = full.Count == 0 ? null : id =>
            Task.FromResult(full.TryGetValue(id, out var d) ? RateLimited(http, d, id) : null);

        var maxBytes = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue;
        if (http.Request.ContentLength > maxBytes)
            return (null, null, InferenceError.TooLarge("The request body is too large."));
        var memory = http.RequestServices.GetRequiredService<RequestMemoryBudget>();
        var lease = await memory.AdmitAsync(admitBytes, ct);
        if (lease is null)
        {
            await InferenceBody.DrainAsync(http.Request, ct);
            return (null, null, TooBusy(memory));
        }
        http.Response.RegisterForDispose(lease);

        var (body, modelId, error) = await read(onModel, lease, ct);
        if (error is not null) return (null, null, error);

        var (resolved, accessError) = ModelAccess.Resolve(snapshot, caller, modelId!, kind);
        return accessError is not null ? (null, null, new InferenceError(accessError)) : (new InferenceCall(caller, resolved!), body, null);
    }

    /// <summary>The 503 of a request the memory budget had no room for, even after a short wait.</summary>
    public static InferenceError TooBusy(RequestMemoryBudget memory)
    {
        RequestMemoryBudget.Refused.Add(1);
        return InferenceError.Unavailable(
            "This server is busy with other large requests right now and did not read this one. Retry after the time in the Retry-After header.",
            memory.RetryAfterSeconds);
    }

    /// <summary>The 429 for a full window, with its rate-limit headers and Retry-After.</summary>
    public static InferenceError RateLimited(HttpContext http, RateDecision decision, string modelId)
    {
        http.RequestServices.GetRequiredService<RateLimitRefusals>().Count(http.Caller().ResourceId, modelId);
        decision.WriteHeaders(http.Response);
        return InferenceError.RateLimited(decision.RemainingRequests == 0
            ? $"Rate limit exceeded: {decision.LimitRequests} requests per minute for {modelId}. Retry after the time in the Retry-After header."
            : $"Rate limit exceeded: {decision.LimitTokens} tokens per minute for {modelId} (each request reserves its prompt and max_tokens until it ends). Retry after the time in the Retry-After header.");
    }

    private static InferenceError AllFull(HttpContext http, IEnumerable<RateDecision> decisions)
    {
        http.RequestServices.GetRequiredService<RateLimitRefusals>().Count(http.Caller().ResourceId, "every model of the key");
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
