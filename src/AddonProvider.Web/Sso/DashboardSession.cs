using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AddonProvider.Web.Sso;

/// <summary>The claims of a dashboard session cookie: one resource, one Heroku user.</summary>
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

    public static ClaimsPrincipal Principal(SsoIdentity who)
    {
        var claims = new List<Claim>
        {
            new(ResourceClaim, who.ResourceId.ToString()),
            new(ProductClaim, who.ProductId),
            new(UserClaim, who.UserId),
            new(ClaimTypes.Name, who.Email ?? who.UserId),
        };
        if (who.Email is not null) claims.Add(new(EmailClaim, who.Email));
        if (!string.IsNullOrEmpty(who.App)) claims.Add(new(AppClaim, who.App));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    public static Guid? ResourceId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ResourceClaim), out var id) ? id : null;

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(UserClaim);
    public static string? UserEmail(this ClaimsPrincipal user) => user.FindFirstValue(EmailClaim);
    public static string? HerokuApp(this ClaimsPrincipal user) => user.FindFirstValue(AppClaim);
}
