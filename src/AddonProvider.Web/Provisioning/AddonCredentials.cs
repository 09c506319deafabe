using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Provisioning;

/// <summary>The secrets Heroku presents to us for one add-on: the Basic-auth password and the SSO salt (and their previous values).</summary>
public sealed record AddonSecrets(
    string ProductId,
    string Password,
    string? PreviousPassword,
    string SsoSalt,
    string? PreviousSsoSalt);

public sealed class AddonCredentials
{
    private readonly Dictionary<string, AddonSecrets> _byProduct;

    private AddonCredentials(Dictionary<string, AddonSecrets> byProduct) => _byProduct = byProduct;

    public AddonSecrets? For(string productId) => _byProduct.GetValueOrDefault(productId);

    public IEnumerable<AddonSecrets> All => _byProduct.Values;

    /// <summary>The development values; they appear in the committed dev manifest and are refused in Production.</summary>
    public static string DevPassword(string productId) => $"dev-{productId}-password-not-for-production";
    public static string DevSsoSalt(string productId) => $"dev-{productId}-sso-salt-not-for-production";

    /// <summary>The secrets of every registered product, from ADDON_&lt;PRODUCT&gt;_* variables.</summary>
    public static AddonCredentials From(Settings settings, IEnumerable<ProductInfo> products) => new(
        products.Select(p => p.Id).ToDictionary(id => id, id =>
        {
            var env = $"ADDON_{id.ToUpperInvariant()}";
            return new AddonSecrets(
                id,
                settings.Secret($"{env}_PASSWORD", DevPassword(id)),
                settings.Optional($"{env}_PASSWORD_PREVIOUS"),
                settings.Secret($"{env}_SSO_SALT", DevSsoSalt(id)),
                settings.Optional($"{env}_SSO_SALT_PREVIOUS"));
        }));
}
