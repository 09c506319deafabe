using AddonProvider.Data.Catalog;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Inference;

/// <summary>An upstream endpoint for one model: we POST to <c>{Url}/v1/chat/completions</c> or <c>{Url}/v1/rerank</c>.</summary>
public sealed record Upstream(Uri Url, string? Key, string? Model)
{
    public Uri Endpoint(string path) => new(Url.ToString().TrimEnd('/') + path);
}

/// <summary>The inference API's knobs (README's configuration table), read once at start-up.</summary>
public sealed record InferenceSettings(
    TimeSpan KeyCacheTtl,
    double RateLimitScale,
    TimeSpan UpstreamTimeout,
    TimeSpan KeepAliveInterval,
    TimeSpan StreamMaxDuration,
    int DefaultMaxTokens,
    long MaxBodyBytes,
    IReadOnlyDictionary<string, Upstream> Upstreams)
{
    /// <summary>A revoked key must stop working within 5 s on every dyno, so the cache may never hold it that long.</summary>
    public static readonly TimeSpan MaxKeyCacheTtl = TimeSpan.FromSeconds(4);

    public static InferenceSettings From(Settings settings)
    {
        var ttl = settings.GetDuration("INFERENCE_KEY_CACHE_TTL", TimeSpan.FromSeconds(1));
        if (ttl > MaxKeyCacheTtl)
            throw new InvalidOperationException("INFERENCE_KEY_CACHE_TTL must be at most 4s: a revoked key has to stop working within 5 seconds.");
        var scale = double.TryParse(settings.Optional("INFERENCE_RATE_LIMIT_SCALE") ?? "1", System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? s : throw new InvalidOperationException("INFERENCE_RATE_LIMIT_SCALE must be a positive number.");
        if (settings.IsProduction && scale != 1)
            throw new InvalidOperationException("INFERENCE_RATE_LIMIT_SCALE is for load tests only; Production enforces the catalog's limits (unset it).");

        var upstreams = new Dictionary<string, Upstream>();
        foreach (var model in CatalogDefinition.Models)
        {
            var prefix = "INFERENCE_UPSTREAM_" + EnvName(model.Id);
            if (settings.Optional(prefix + "_URL") is not { } raw) continue;
            if (!Uri.TryCreate(raw, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"{prefix}_URL must be an absolute http(s) URL, got '{raw}'.");
            upstreams[model.Id] = new Upstream(url, settings.Optional(prefix + "_KEY"), settings.Optional(prefix + "_MODEL"));
        }

        var keepAlive = settings.GetDuration("INFERENCE_STREAM_KEEPALIVE", TimeSpan.FromSeconds(15));
        if (keepAlive <= TimeSpan.Zero || keepAlive >= TimeSpan.FromSeconds(55))
            throw new InvalidOperationException("INFERENCE_STREAM_KEEPALIVE must be above 0 and under 55s: Heroku's router cuts a stream idle for 55 s.");
        return new InferenceSettings(
            ttl, scale,
            settings.GetDuration("INFERENCE_UPSTREAM_TIMEOUT", TimeSpan.FromSeconds(120)),
            keepAlive,
            settings.GetDuration("INFERENCE_STREAM_MAX_DURATION", TimeSpan.FromMinutes(15)),
            settings.GetInt("INFERENCE_DEFAULT_MAX_TOKENS", 4096),
            settings.GetInt("INFERENCE_MAX_BODY_BYTES", 16 * 1024 * 1024),
            upstreams);
    }

    /// <summary><c>qwen3-235b</c> → <c>QWEN3_235B</c>.</summary>
    public static string EnvName(string modelId) => modelId.ToUpperInvariant().Replace('-', '_').Replace('.', '_');
}
