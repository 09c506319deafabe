using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// The claims of a dashboard session cookie: one resource, one Heroku user. SSO signs it in; the dashboard reads it.
/// The user's id and email are identity only in a verified session (user-scoped token); an unverified session
/// carries its claimed user id for display and no email at all, and acts as <see cref="UnverifiedActor"/>.
/// </summary>
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
    public const string VerifiedClaim = "sso_verified";

    /// <summary>The audit actor of every unverified session: its claimed user id proves nothing.</summary>
    public const string UnverifiedActor = "heroku-user-unverified";

    public static ClaimsPrincipal Principal(Guid resourceId, string productId, string userId, string? email, string? app, bool verified)
    {
        var claims = new List<Claim>
        {
            new(ResourceClaim, resourceId.ToString()),
            new(ProductClaim, productId),
            new(UserClaim, userId),
            new(VerifiedClaim, verified ? "true" : "false"),
            // The name is what audit rows record as the actor (publishing, for one).
            new(ClaimTypes.Name, verified ? email ?? userId : UnverifiedActor),
        };
        if (verified && email is not null) claims.Add(new(EmailClaim, email));
        if (!string.IsNullOrEmpty(app)) claims.Add(new(AppClaim, app));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    public static Guid? ResourceId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ResourceClaim), out var id) ? id : null;

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(UserClaim);

    public static bool IsVerified(this ClaimsPrincipal user) => user.FindFirstValue(VerifiedClaim) == "true";

    /// <summary>The SSO-verified email of this session's user; null in an unverified session.</summary>
    public static string? UserEmail(this ClaimsPrincipal user) => user.IsVerified() ? user.FindFirstValue(EmailClaim) : null;

    /// <summary>Who this session is in audit rows and acknowledgements.</summary>
    public static string DashboardActor(this ClaimsPrincipal user) =>
        user.IsVerified() && user.UserId() is { Length: > 0 } id ? $"heroku-user:{id}" : UnverifiedActor;

    public static string? HerokuApp(this ClaimsPrincipal user) => user.FindFirstValue(AppClaim);
}
