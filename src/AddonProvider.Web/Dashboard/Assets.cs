using System.Collections.Frozen;
using System.Security.Cryptography;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// The dashboard's few static files (CSS and small plain scripts), embedded in the assembly so every way of
/// running the app (tests, dotnet run, the published slug) serves the same bytes without a wwwroot to copy.
/// </summary>
public static class Assets
{
    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> All = Load();

    public static IResult Serve(string name, HttpContext http)
    {
        if (!All.TryGetValue(name, out var asset)) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch == asset.ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        http.Response.Headers.ETag = asset.ETag;
        return TypedResults.Bytes(asset.Bytes, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(Assets).Assembly;
        const string prefix = "DashboardAssets.";
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToFrozenDictionary(
            n => n[prefix.Length..],
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                var type = n.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
                return new Asset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
            });
    }
}
