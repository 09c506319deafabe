namespace AddonProvider.Web.Configuration;

/// <summary>The provider's public base URL (PUBLIC_BASE_URL), used in config vars and manifests.</summary>
public sealed record PublicUrls(Uri BaseUrl)
{
    public static PublicUrls From(Settings settings)
    {
        var port = settings.Optional("PORT") ?? "5000";
        var raw = settings.Get("PUBLIC_BASE_URL", $"http://localhost:{port}");
        if (!Uri.TryCreate(raw.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"PUBLIC_BASE_URL must be an absolute http(s) URL, got '{raw}'.");
        if (settings.IsProduction && uri.Scheme != "https")
            throw new InvalidOperationException("PUBLIC_BASE_URL must be https in Production: Heroku refuses plain-http add-on URLs.");
        return new PublicUrls(uri);
    }

    public string Combine(string path) => new Uri(BaseUrl, path.TrimStart('/')).ToString();

    public string Root => BaseUrl.ToString().TrimEnd('/');
}
