using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Data.Catalog;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Provisioning;

/// <summary>The Heroku v3 add-on manifest of each product, as `manifest &lt;product&gt;` prints it.</summary>
public static class Manifests
{
    public static JsonObject For(ProductInfo info, AddonCredentials credentials, PublicUrls urls, int devPort)
    {
        var product = CatalogDefinition.Products.Single(p => p.Id == info.Id);
        var secrets = credentials.For(info.Id)!;
        // Heroku refuses non-https production URLs; in Development PUBLIC_BASE_URL is http://localhost, so the
        // scheme is forced here and the real address comes from PUBLIC_BASE_URL in Production.
        var production = new UriBuilder(urls.BaseUrl) { Scheme = "https", Port = urls.BaseUrl.IsDefaultPort ? -1 : urls.BaseUrl.Port }.Uri;
        var test = new Uri($"http://localhost:{devPort}/");
        return new JsonObject
        {
            ["id"] = product.Id,
            ["name"] = product.Name,
            ["api"] = new JsonObject
            {
                ["config_vars_prefix"] = product.ConfigVarPrefix,
                ["config_vars"] = new JsonArray([.. info.ConfigVarNames.Select(n => JsonValue.Create(n))]),
                ["password"] = secrets.Password,
                ["sso_salt"] = secrets.SsoSalt,
                ["regions"] = new JsonArray([.. Regions.Supported.Select(r => JsonValue.Create(r))]),
                ["requires"] = new JsonArray("log_input"), // the provision request then carries log_input_url (our events in the app's logs)
                ["production"] = Urls(production),
                ["test"] = Urls(test),
                ["version"] = "3",
            },
        };
    }

    public static string Print(JsonObject manifest) =>
        manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static JsonObject Urls(Uri root) => new()
    {
        ["base_url"] = new Uri(root, "heroku/resources").ToString(),
        ["sso_url"] = new Uri(root, "sso/login").ToString(),
    };
}
