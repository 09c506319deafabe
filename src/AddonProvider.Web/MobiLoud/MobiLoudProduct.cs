using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.MobiLoud;

/// <summary>
/// MobiLoud's rules: no credential (the app's only config var is its dashboard URL), and a public app id the native
/// shell fetches its configuration by.
/// </summary>
public sealed class MobiLoudProduct(PublicUrls urls) : AddonProduct
{
    public static readonly ProductInfo Facts = new(CatalogDefinition.MobiLoud, "MobiLoud", ["MOBILOUD_URL"], "mobiloud");

    public override ProductInfo Info => Facts;

    public override Failure? Prepare(NewResource provision)
    {
        provision.Resource.PublicAppId = "app_" + Tokens.RandomLower(20);
        return null;
    }

    public override IReadOnlyDictionary<string, string> RenderConfig(Resource resource, Credential? credential, string? plaintext = null) =>
        new Dictionary<string, string> { ["MOBILOUD_URL"] = urls.Combine($"dashboard/{resource.Id}") };

    public override string ReadyMessage(Resource resource, string productName) =>
        $"{productName} is ready: open it from your Heroku dashboard to build your app.";
}
