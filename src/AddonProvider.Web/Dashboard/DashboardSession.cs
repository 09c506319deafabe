using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AddonProvider.Web.Dashboard;

/// <summary>The claims of a dashboard session cookie: one resource, one Heroku user. SSO signs it in; the dashboard reads it.</summary>
public static class DashboardSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Policy = "dashboard";
    public const string CookieName = "addon_session";
    public const string NavDataCookie = "heroku-nav-data";

    private const string ResourceClaim = "resource_id";
    private const string ProductClaim = "product";
    private const string UserClaim = "user_id";
    private const string EmailClaim = "email";
    private const string AppClaim = "app";

    public static ClaimsPrincipal Principal(Guid resourceId, string productId, string userId, string? email, string? app)
    {
        var claims = new List<Claim>
        {
            new(ResourceClaim, resourceId.ToString()),
            new(ProductClaim, productId),
            new(UserClaim, userId),
            new(ClaimTypes.Name, email ?? userId),
        };
        if (email is not null) claims.Add(new(EmailClaim, email));
        if (!string.IsNullOrEmpty(app)) claims.Add(new(AppClaim, app));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    public static Guid? ResourceId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ResourceClaim), out var id) ? id : null;

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(UserClaim);
    public static string? UserEmail(this ClaimsPrincipal user) => user.FindFirstValue(EmailClaim);
    public static string? HerokuApp(this ClaimsPrincipal user) => user.FindFirstValue(AppClaim);
}
