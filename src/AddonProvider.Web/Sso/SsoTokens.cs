using System.Security.Cryptography;
using System.Text;

namespace AddonProvider.Web.Sso;

/// <summary>What Heroku posts to the SSO URL (or puts in the legacy GET's query).</summary>
public sealed record SsoRequest(
    string? ResourceId,
    string? Id,
    string? Token,
    string? ResourceToken,
    string? UserScopedToken,
    string? Timestamp,
    string? UserId,
    string? Email,
    string? App,
    string? NavData);

public enum SsoTokenKind { UserScoped, Resource, Legacy }

/// <summary>
/// Heroku's three SSO token forms (partner-api.md §4). Only the strongest token present is checked, so a
/// request cannot fall back to a weaker form by also carrying a forged stronger one. Only the user-scoped token
/// signs the user id and email; the other two sign the resource and timestamp alone, so a login by them is
/// unverified: its user id and email are claims.
/// </summary>
public static class SsoTokens
{
    /// <summary>The token to check, the id it was computed over, and its form; null when the request carries none.</summary>
    public static (string Token, string SubjectId, SsoTokenKind Kind)? Strongest(SsoRequest r) =>
        !string.IsNullOrEmpty(r.UserScopedToken) ? (r.UserScopedToken, r.ResourceId ?? "", SsoTokenKind.UserScoped)
        : !string.IsNullOrEmpty(r.ResourceToken) ? (r.ResourceToken, r.ResourceId ?? "", SsoTokenKind.Resource)
        : !string.IsNullOrEmpty(r.Token) ? (r.Token, r.Id ?? r.ResourceId ?? "", SsoTokenKind.Legacy)
        : null;

    /// <summary>
    /// The weaker tokens a request carries beside the one checked, lower-cased: a successful login records them too,
    /// so a form stripped of its stronger token cannot log in again. Only what could be a SHA-1 hex digest counts
    /// (anything else can never pass a weaker login's check).
    /// </summary>
    public static string[] Alongside(SsoRequest r, SsoTokenKind checkedKind)
    {
        var weaker = checkedKind switch
        {
            SsoTokenKind.UserScoped => new[] { r.ResourceToken, r.Token },
            SsoTokenKind.Resource => new[] { r.Token },
            _ => [],
        };
        return weaker.Where(t => t is { Length: 40 } && t.All(char.IsAsciiHexDigit)).Select(t => t!.ToLowerInvariant()).Distinct().ToArray();
    }

    public static string Compute(SsoTokenKind kind, string subjectId, string salt, string timestamp, string? userId = null, string? email = null) => kind switch
    {
        SsoTokenKind.UserScoped => Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{subjectId}:{salt}:{timestamp}:{userId}:{email}"))),
        _ => Hex(SHA1.HashData(Encoding.UTF8.GetBytes($"{subjectId}:{salt}:{timestamp}"))),
    };

    /// <summary>Constant-time, case-insensitive comparison of the presented hex digest with each salt's expected one.</summary>
    public static bool Matches(SsoTokenKind kind, string presented, string subjectId, string timestamp, string? userId, string? email, params ReadOnlySpan<string?> salts)
    {
        var given = Encoding.ASCII.GetBytes(presented.ToLowerInvariant());
        var match = false;
        foreach (var salt in salts)
        {
            if (salt is null) continue;
            var expected = Encoding.ASCII.GetBytes(Compute(kind, subjectId, salt, timestamp, userId, email));
            // Every salt is compared (no early exit), so timing tells nothing about which one matched.
            match |= CryptographicOperations.FixedTimeEquals(given, expected);
        }
        return match;
    }

    private static string Hex(byte[] digest) => Convert.ToHexStringLower(digest);
}
