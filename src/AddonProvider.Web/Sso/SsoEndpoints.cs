using AddonProvider.Data;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Sso;

public static class SsoEndpoints
{
    public static IServiceCollection AddSso(this IServiceCollection services, Settings settings)
    {
        // Keys in PostgreSQL: a cookie issued by one web dyno is readable by every other.
        services.AddScoped<SsoLogin>();
        services.AddHostedService<SsoTokenPurge>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "addon_csrf";
            o.Cookie.SecurePolicy = settings.IsProduction ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        var lifetime = settings.GetDuration("SSO_SESSION_LIFETIME", TimeSpan.FromHours(8));
        services.AddAuthentication().AddCookie(DashboardSession.Scheme, o =>
        {
            o.Cookie.Name = DashboardSession.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Behind the router every request is https; in Production the flag never depends on how a request arrived.
            o.Cookie.SecurePolicy = settings.IsProduction ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = lifetime;
            // An absolute lifetime: Heroku re-issues a login each time the customer opens the add-on.
            o.SlidingExpiration = false;
            o.Events.OnRedirectToLogin = ctx => WritePageAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized,
                "Please sign in", "Your session has ended. Open the add-on again from your Heroku dashboard.");
            o.Events.OnRedirectToAccessDenied = ctx => WritePageAsync(ctx.HttpContext, StatusCodes.Status404NotFound,
                "Not found", "There is nothing here for this session.");
        });
        services.AddAuthorizationBuilder().AddPolicy(DashboardSession.Policy, p => p
            .AddAuthenticationSchemes(DashboardSession.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim("resource_id")
            // Cookies from before logins were marked verified or not carry a claimed email as if it were proven:
            // they end (the customer opens the add-on again from Heroku).
            .RequireClaim(DashboardSession.VerifiedClaim));
        return services;
    }

    public static IEndpointRouteBuilder MapSsoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sso/login", Login).DisableAntiforgery().WithTags("SSO");
        // The legacy GET lives beside the Partner API's paths but outside its Basic-auth group.
        app.MapGet("/heroku/resources/{id}", LegacyLogin).NeverRetried().WithTags("SSO"); // spends a one-time token
        app.MapPost("/sso/logout", Logout).RequireAuthorization(DashboardSession.Policy).WithTags("SSO");
        return app;
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Login(HttpContext http, SsoLogin sso, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            return Page.Message(http, StatusCodes.Status403Forbidden, "Sign-in refused", SsoLogin.Refused);
        var form = await http.Request.ReadFormAsync(ct);
        string? F(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        return await SignInAsync(http, sso, new SsoRequest(
            F("resource_id"), F("id"), F("token"), F("resource_token"), F("user_scoped_resource_token"),
            F("timestamp"), F("user_id"), F("email"), F("app"), F("nav-data")), ct);
    }

    private static Task<Results<RedirectHttpResult, ContentHttpResult>> LegacyLogin(string id, HttpContext http, SsoLogin sso, CancellationToken ct)
    {
        // Its credential is `token` + `timestamp` and nothing else: no other token form, and no user id or email
        // (nothing signs them), so the session is unverified. `nav-data` only feeds Heroku's header.
        string? Q(string name) => http.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;
        return SignInAsync(http, sso, new SsoRequest(
            null, id, Q("token"), null, null, Q("timestamp"), null, null, null, Q("nav-data")), ct);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> SignInAsync(HttpContext http, SsoLogin sso, SsoRequest request, CancellationToken ct)
    {
        var (identity, refusal) = await sso.VerifyAsync(request, ct);
        Hosting.Telemetry.SsoLogins.Add(1, new KeyValuePair<string, object?>("outcome", identity is null ? "refused" : "ok"));
        if (identity is null)
            return Page.Message(http, StatusCodes.Status403Forbidden, "Sign-in refused", refusal!);

        await http.SignInAsync(DashboardSession.Scheme, DashboardSession.Principal(identity.ResourceId, identity.ProductId, identity.UserId, identity.Email, identity.App, identity.Verified));
        if (!string.IsNullOrEmpty(request.NavData))
            http.Response.Cookies.Append(DashboardSession.NavDataCookie, request.NavData, new CookieOptions
            {
                Path = "/",
                SameSite = SameSiteMode.Lax,
                Secure = http.Request.IsHttps,
                // Heroku's boomerang script reads it in the page, so it cannot be HttpOnly; it holds no secret.
                HttpOnly = false,
            });
        return TypedResults.Redirect($"/dashboard/{identity.ResourceId}");
    }

    private static async Task<ContentHttpResult> Logout(IFormCollection form, HttpContext http)
    {
        await http.SignOutAsync(DashboardSession.Scheme);
        http.Response.Cookies.Delete(DashboardSession.NavDataCookie, new CookieOptions { Path = "/" });
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        return Page.Message(http, StatusCodes.Status200OK, "Signed out", "You are signed out. Open the add-on again from your Heroku dashboard to return.");
    }

    private static async Task WritePageAsync(HttpContext http, int status, string title, string message) =>
        await Page.Message(http, status, title, message).ExecuteAsync(http);
}
