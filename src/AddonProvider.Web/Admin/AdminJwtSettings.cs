using System.Text;
using AddonProvider.Web.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace AddonProvider.Web.Admin;

/// <summary>
/// How operator tokens are validated: an HS256 key (ADMIN_JWT_SIGNING_KEY, its UTF-8 bytes, at least 32), or an
/// OIDC authority (ADMIN_JWT_AUTHORITY) whose published keys sign them. Issuer and audience are always checked.
/// </summary>
public sealed record AdminJwtSettings(string? Authority, SymmetricSecurityKey? SigningKey, string? Issuer, string Audience)
{
    public const string DevSigningKey = "dev-admin-jwt-signing-key-not-for-production-use";
    public const string DefaultIssuer = "addon-provider";
    public const string DefaultAudience = "addon-provider-admin";
    public const int MinKeyBytes = 32;

    public static AdminJwtSettings From(Settings settings)
    {
        var authority = settings.Optional("ADMIN_JWT_AUTHORITY");
        if (authority is not null)
        {
            // With an identity provider only its published keys validate tokens: HS256 tokens, including those the
            // `token` command mints with ADMIN_JWT_SIGNING_KEY, are refused (OidcOperatorTests). The issuer defaults to
            // the one the authority's metadata announces.
            var localKey = settings.Optional("ADMIN_JWT_SIGNING_KEY");
            return new AdminJwtSettings(authority, localKey is null ? null : Key(localKey), settings.Optional("ADMIN_JWT_ISSUER"),
                settings.Get("ADMIN_JWT_AUDIENCE", DefaultAudience));
        }
        return new AdminJwtSettings(null, Key(settings.Secret("ADMIN_JWT_SIGNING_KEY", DevSigningKey)),
            settings.Get("ADMIN_JWT_ISSUER", DefaultIssuer), settings.Get("ADMIN_JWT_AUDIENCE", DefaultAudience));
    }

    private static SymmetricSecurityKey Key(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < MinKeyBytes)
            throw new InvalidOperationException($"ADMIN_JWT_SIGNING_KEY must be at least {MinKeyBytes} bytes (UTF-8); it has {bytes.Length}.");
        return new SymmetricSecurityKey(bytes);
    }
}
