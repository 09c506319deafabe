using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// Links into a dashboard page (from an email or a log line) that survive Heroku SSO. Heroku's SSO starts at Heroku and
/// always posts to /sso/login, carrying no return path of ours; so a dashboard page opened without a session for its
/// resource remembers itself in a short-lived cookie and says to open the add-on from Heroku. After the sign-in, the
/// dashboard home (where /sso/login redirects) sends the user on to that page — only if it lies inside the signed-in
/// resource's dashboard. The cookie is SameSite=Lax: Heroku's cross-site form POST does not carry it, the top-level
/// GET that follows the login's redirect does, which is where it is read.
/// </summary>
public static class DeepLinks
{
    public const string CookieName = "addon_return_to";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private const int MaxLength = 1024;

    public const string SignInMessage =
        "This page needs a Heroku sign-in. Open the add-on again from your Heroku dashboard (the app's Resources tab, " +
        "or the link below): after signing in you will be brought back to this page.";

    /// <summary>The page for a dashboard URL opened without a session for its resource; remembers a GET's path.</summary>
    public static async Task<ContentHttpResult> SignInPageAsync(HttpContext http, int status)
    {
        var path = (http.Request.PathBase + http.Request.Path).Value + http.Request.QueryString.Value;
        Guid? resourceId = ResourceOf(path);
        if (resourceId is { } rid && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) && Check(path, rid) is { } target)
            http.Response.Cookies.Append(CookieName, target, CookieOptions(http));

        var link = "https://dashboard.heroku.com/apps";
        if (resourceId is { } id)
        {
            var db = http.RequestServices.GetRequiredService<AddonDbContext>();
            var appId = await db.AccessLists.AsNoTracking()
                .Where(l => l.ResourceId == id && l.AppId != null
                    && db.Resources.Any(r => r.Id == id && (r.State == ResourceState.Provisioned || r.State == ResourceState.Provisioning)))
                .Select(l => l.AppId).FirstOrDefaultAsync(http.RequestAborted);
            if (appId is not null) link = $"https://addons-sso.heroku.com/apps/{Uri.EscapeDataString(appId)}/addons/{id}";
        }
        return Page.Render(http, "Please sign in", H($"""
            <p class="notice">{SignInMessage}</p>
            <p><a class="button" id="open-via-heroku" href="{link}">Open via Heroku</a></p>
            """), status);
    }

    /// <summary>Where to send a freshly signed-in user of <paramref name="resourceId"/>, if a deep link waits; always clears it.</summary>
    public static string? TakeReturnPath(HttpContext http, Guid resourceId)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value)) return null;
        http.Response.Cookies.Delete(CookieName, CookieOptions(http));
        return Check(value, resourceId);
    }

    /// <summary>
    /// <paramref name="candidate"/> if it is a path inside <paramref name="resourceId"/>'s dashboard (with an optional
    /// query), else null: no scheme or host, no <c>//</c>, no backslash, no dot segment, no encoded separator or dot,
    /// no control character, no other resource.
    /// </summary>
    public static string? Check(string? candidate, Guid resourceId)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength) return null;
        if (candidate.Any(c => char.IsControl(c) || c is '\\' or '#' || c > '~')) return null;
        var pathPart = candidate.Split('?', 2)[0];
        if (pathPart.Contains("//", StringComparison.Ordinal) || pathPart.Contains(':', StringComparison.Ordinal)) return null;
        var lower = candidate.ToLowerInvariant();
        if (lower.Contains("%2f") || lower.Contains("%5c") || lower.Contains("%2e") || lower.Contains("%00")) return null;
        if (pathPart.Split('/').Any(s => s is "." or "..")) return null;
        if (ResourceOf(candidate) != resourceId) return null;
        return Uri.TryCreate(candidate, UriKind.Relative, out _) ? candidate : null;
    }

    /// <summary>The resource of a <c>/dashboard/{id}</c> or <c>/dashboard/{id}/…</c> path.</summary>
    private static Guid? ResourceOf(string path)
    {
        const string prefix = "/dashboard/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = path[prefix.Length..];
        var end = rest.IndexOfAny(['/', '?']);
        var segment = end < 0 ? rest : rest[..end];
        return segment.Length == 36 && Guid.TryParseExact(segment, "D", out var id) ? id : null;
    }

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        MaxAge = Lifetime,
        IsEssential = true,
    };
}
