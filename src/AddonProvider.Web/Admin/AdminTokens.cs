using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AddonProvider.Web.Admin;

/// <summary>Mints operator tokens with the configured HS256 key (the `token` command and the tests).</summary>
public static class AdminTokens
{
    public static string Mint(AdminJwtSettings settings, string subject, IReadOnlyList<string> roles, TimeSpan ttl, DateTime? now = null)
    {
        var key = settings.SigningKey ?? throw new InvalidOperationException(
            "ADMIN_JWT_SIGNING_KEY is not set: with ADMIN_JWT_AUTHORITY, tokens come from the identity provider.");
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            ["role"] = roles.Count == 1 ? roles[0] : roles.ToArray(),
        };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer ?? AdminJwtSettings.DefaultIssuer,
            Audience = settings.Audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + ttl,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    public static string Subject(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? user.Identity?.Name ?? "operator";

    /// <summary>The actor written into audit rows for an operator's change.</summary>
    public static string Actor(this ClaimsPrincipal user) => $"admin:{user.Subject()}";
}
