using System.Security.Cryptography;

namespace AddonProvider.Simulator;

/// <summary>
/// Grant codes the simulator hands out in provision requests. They describe themselves
/// (<c>simgrant.{product}.{resource}.{expiresUnix}.{random}</c>), so a load run can mint thousands without
/// asking the simulator, and the simulator's token endpoint can still check product, resource and expiry.
/// </summary>
public static class GrantCodes
{
    public static readonly TimeSpan Life = TimeSpan.FromMinutes(5);

    public static (string Code, DateTimeOffset ExpiresAt) Mint(string product, Guid resourceId)
    {
        var expires = DateTimeOffset.UtcNow + Life;
        return ($"simgrant.{product}.{resourceId:N}.{expires.ToUnixTimeSeconds()}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}", expires);
    }

    public static bool TryParse(string? code, out string product, out Guid resourceId, out DateTimeOffset expiresAt)
    {
        product = ""; resourceId = Guid.Empty; expiresAt = default;
        var parts = code?.Split('.') ?? [];
        if (parts is not ["simgrant", var p, var id, var exp, _] || !Guid.TryParseExact(id, "N", out resourceId) || !long.TryParse(exp, out var unix))
            return false;
        product = p;
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(unix);
        return true;
    }

    /// <summary>Heroku's format for oauth_grant.expires_at, e.g. 2016-03-03T18:01:31-0800.</summary>
    public static string HerokuTime(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss") + "+0000";
}
