namespace AddonProvider.Simulator;

/// <summary>
/// What Heroku and an add-on share, per product, as the simulator knows it: the manifest's <c>api.password</c>
/// (Basic auth on the Partner API) and <c>api.sso_salt</c> (SSO tokens), and the OAuth client secret Heroku issues
/// to the add-on. Read from <c>SIMULATOR_&lt;PRODUCT&gt;_PASSWORD</c>, <c>_SSO_SALT</c> and <c>_OAUTH_CLIENT_SECRET</c>;
/// <c>./dev.sh run</c> fills the first two from the app's <c>manifest &lt;product&gt;</c> command and picks the third
/// for both sides. There are no defaults: the simulator knows nothing of the app but what it is told.
/// </summary>
public static class AddonSecrets
{
    public static string Password(string product) =>
        Require(product, "PASSWORD", $"the manifest's api.password: `dotnet run --project src/AddonProvider.Web -- manifest {product} | jq -r .api.password`");

    public static string SsoSalt(string product) =>
        Require(product, "SSO_SALT", $"the manifest's api.sso_salt: `dotnet run --project src/AddonProvider.Web -- manifest {product} | jq -r .api.sso_salt`");

    public static string OAuthClientSecret(string product) =>
        Require(product, "OAUTH_CLIENT_SECRET", $"the OAuth client secret the provider holds in ADDON_{product.ToUpperInvariant()}_OAUTH_CLIENT_SECRET");

    public static string Variable(string product, string secret) => $"SIMULATOR_{product.ToUpperInvariant()}_{secret}";

    private static string Require(string product, string secret, string source)
    {
        var name = Variable(product, secret);
        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new MissingSecretException($"{name} is not set; the simulator takes it from {source} (./dev.sh run sets it).");
    }
}

public sealed class MissingSecretException(string message) : Exception(message);
