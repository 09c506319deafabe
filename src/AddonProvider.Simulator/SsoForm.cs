using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AddonProvider.Simulator;

/// <summary>The form Heroku's dashboard posts to the add-on's sso_url, signed fresh each time the page loads.</summary>
public static class SsoForm
{
    public static IReadOnlyDictionary<string, string> Fields(Guid resourceId, string salt, string userId, string email, long timestamp)
    {
        var ts = timestamp.ToString();
        return new Dictionary<string, string>
        {
            ["resource_id"] = resourceId.ToString(),
            ["timestamp"] = ts,
            ["resource_token"] = Hex(SHA1.HashData(Encoding.UTF8.GetBytes($"{resourceId}:{salt}:{ts}"))),
            ["user_scoped_resource_token"] = Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{resourceId}:{salt}:{ts}:{userId}:{email}"))),
            ["user_id"] = userId,
            ["email"] = email,
            ["nav-data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"addon":"{{resourceId}}","appname":"sim-app"}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        };
    }

    public static string Html(string providerUrl, Guid resourceId, string product, string salt, string userId, string email)
    {
        var fields = Fields(resourceId, salt, userId, email, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var inputs = string.Concat(fields.Select(f => $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(f.Key)}\" value=\"{WebUtility.HtmlEncode(f.Value)}\">"));
        return $"""
            <!doctype html><html><head><title>Heroku SSO (simulated)</title></head>
            <body onload="document.forms[0].submit()">
            <form method="post" action="{WebUtility.HtmlEncode(providerUrl)}/sso/login">{inputs}
            <noscript><button type="submit">Open {WebUtility.HtmlEncode(product)} {resourceId}</button></noscript></form>
            </body></html>
            """;
    }

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
