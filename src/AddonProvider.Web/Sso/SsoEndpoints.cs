using AddonProvider.Data;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Hosting;
using AddonProvider.Web.Provisioning;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AddonProvider.Web.Sso;

public static class SsoEndpoints
{
    /// <summary>Heroku's form is a dozen short fields; anything much bigger is not a sign-in.</summary>
    public const long MaxFormBytes = 16 * 1024;
    public const int MaxFormFields = 64;

    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = MaxFormFields,
        ValueLengthLimit = (int)MaxFormBytes,
        MultipartBodyLengthLimit = MaxFormBytes,
        BufferBody = false,
    };

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
            // A dashboard link opened without a session: the way in through Heroku, and back to this page afterwards.
            o.Events.OnRedirectToLogin = async ctx =>
                await (await DeepLinks.SignInPageAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized)).ExecuteAsync(ctx.HttpContext);
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
        app.MapPost("/sso/login", Login).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(MaxFormBytes)).WithTags("SSO");
        // The legacy GET lives beside the Partner API's paths but outside its Basic-auth group.
        app.MapGet("/heroku/resources/{id}", LegacyLogin).NeverRetried().WithTags("SSO"); // spends a one-time token
        app.MapPost("/sso/logout", Logout).RequireAuthorization(DashboardSession.Policy).WithTags("SSO");
        return app;
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Login(HttpContext http, SsoLogin sso, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            return Page.Message(http, StatusCodes.Status403Forbidden, "Sign-in refused", SsoLogin.Refused);
        IFormCollection form;
        try
        {
            http.Features.Set<IFormFeature>(new FormFeature(http.Request, FormLimits));
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Page.Message(http, StatusCodes.Status413PayloadTooLarge, "Sign-in refused", $"The request body is too large (over {MaxFormBytes / 1024} KiB); nothing was changed.");
        }
        catch (InvalidDataException)
        {
            return Page.Message(http, StatusCodes.Status400BadRequest, "Sign-in refused",
                $"The sign-in form has more than {MaxFormFields} fields or an over-long field; nothing was changed.");
        }
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
        // Past AUTH_FAILURE_LIMIT refusals from this address, only a token that verifies against one of our salts goes on to
        // the database; tokens are one-time, so "seen valid" cannot apply, but checking a signature costs no round trip.
        var throttle = http.RequestServices.GetRequiredService<AuthFailureThrottle>();
        if (throttle.ThrottledFor(http, AuthSurface.Sso) is { } wait && !SignedByAnySalt(request, http.RequestServices.GetRequiredService<AddonCredentials>()))
        {
            http.Response.Headers.RetryAfter = AuthFailureThrottle.RetryAfterHeader(wait);
            return Page.Message(http, StatusCodes.Status429TooManyRequests, "Sign-in refused", AuthFailureThrottle.Message(wait));
        }
        var (identity, refusal) = await sso.VerifyAsync(request, ct);
        Hosting.Telemetry.SsoLogins.Add(1, new KeyValuePair<string, object?>("outcome", identity is null ? "refused" : "ok"));
        if (identity is null)
        {
            throttle.Failed(http, AuthSurface.Sso);
            return Page.Message(http, StatusCodes.Status403Forbidden, "Sign-in refused", refusal!);
        }

        await http.SignInAsync(DashboardSession.Scheme, DashboardSession.Principal(identity.ResourceId, identity.ProductId, identity.UserId, identity.Email, identity.App, identity.Verified));
        if (identity.Verified) await sso.QueueAccessListCheckAsync(identity, ct);
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

    private static bool SignedByAnySalt(SsoRequest request, AddonCredentials credentials)
    {
        if (SsoTokens.Strongest(request) is not var (token, subjectId, kind) || token.Length > 64 || request.Timestamp is not { Length: <= 20 } timestamp)
            return false;
        var salts = credentials.All.SelectMany(s => new[] { s.SsoSalt, s.PreviousSsoSalt }).ToArray();
        return SsoTokens.Matches(kind, token, subjectId, timestamp, request.UserId, request.Email, salts);
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
