using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.AppLogs;

/// <summary>The provision request's <c>log_input_url</c>, kept encrypted: its user-info is the app's Logplex credential.</summary>
public static class LogDrains
{
    public const int MaxUrlLength = 1500;

    /// <summary>
    /// Adds the drain to the provision's unit of work. A URL we cannot use (not absolute http(s), too long) is not an error
    /// for Heroku's provision: the add-on works without app logs, so it is skipped and the caller learns so (never the URL).
    /// </summary>
    public static bool Add(AddonDbContext db, SecretBox secrets, Guid resourceId, string? url, DateTime now)
    {
        if (!IsUsable(url)) return false;
        db.LogDrains.Add(new LogDrain { ResourceId = resourceId, UrlCiphertext = secrets.Encrypt(url!), CreatedAt = now, UpdatedAt = now });
        return true;
    }

    public static bool IsUsable(string? url) =>
        !string.IsNullOrWhiteSpace(url) && url.Length <= MaxUrlLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
