using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// The size gate, after authentication and before anything parses a body: a request whose declared length is over its
/// route's limit (RequestSizeLimit metadata, else Kestrel's default) is a 413 in the surface's own shape. Without it, the
/// first reader met the limit — the antiforgery check, which reported it as a bad token (400), or form binding.
/// A body without a declared length still meets the limit as it is read.
/// </summary>
public static class BodySizeGate
{
    /// <summary>
    /// Up to this much of a refused body is read and discarded before answering: a client that sends its body before
    /// reading the answer (no Expect: 100-continue, as browsers do) would otherwise have the connection reset under it
    /// and never see the 413. Anything larger is answered at once.
    /// </summary>
    public const long DrainLimit = 8 * 1024 * 1024;

    public static IApplicationBuilder UseBodySizeGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is not { IsReadOnly: false, MaxRequestBodySize: { } max } || http.Request.ContentLength is not { } length || length <= max)
        {
            await next(http);
            return;
        }
        if (length <= DrainLimit)
        {
            feature.MaxRequestBodySize = DrainLimit;
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
        }
        await Problems.WriteAsync(http, Failure.TooLarge($"The request body is too large (over {Size(max)}); nothing was changed."));
    });

    private static string Size(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";
}
