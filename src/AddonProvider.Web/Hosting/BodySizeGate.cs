using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// The size gate, after authentication and before anything reads a body: a request whose declared length is over its
/// route's limit (RequestSizeLimit metadata, else Kestrel's default) is a 413 in the surface's own shape at once.
/// Without it, the first reader met the limit — the antiforgery check, which reported it as a bad token (400), or form
/// binding. A body without a declared length still meets the limit as it is read.
/// </summary>
public static class BodySizeGate
{
    public static IApplicationBuilder UseBodySizeGate(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var max = http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } limit } ? limit : (long?)null;
        if (max is not { } m || http.Request.ContentLength is not { } length || length <= m)
            return next(http);
        return Problems.WriteAsync(http, Failure.TooLarge($"The request body is larger than {Size(m)}; nothing was changed."));
    });

    private static string Size(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";
}
