using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Heroku;

/// <summary>
/// The OAuth client secret Heroku issued to each add-on (ADDON_&lt;PRODUCT&gt;_OAUTH_CLIENT_SECRET), used only when we call
/// Heroku: exchanging a grant and refreshing tokens. The secrets Heroku presents to us (Basic password, SSO salt) are
/// Provisioning's.
/// </summary>
public sealed class OAuthClientSecrets
{
    private readonly Dictionary<string, string> _byProduct;

    private OAuthClientSecrets(Dictionary<string, string> byProduct) => _byProduct = byProduct;

    public string For(string productId) =>
        _byProduct.TryGetValue(productId, out var secret) ? secret : throw new InvalidOperationException($"No OAuth client secret for {productId}.");

    /// <summary>The development value; refused outside Development.</summary>
    public static string DevSecret(string productId) => $"dev-{productId}-oauth-client-secret";

    public static OAuthClientSecrets From(Settings settings, IEnumerable<ProductInfo> products) =>
        new(products.ToDictionary(p => p.Id, p => settings.Secret($"ADDON_{p.Id.ToUpperInvariant()}_OAUTH_CLIENT_SECRET", DevSecret(p.Id))));
}
