using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AddonProvider.Web.Console;

/// <summary>
/// How an operator's browser is signed in to /console. Without ADMIN_JWT_AUTHORITY an operator pastes a JWT, validated
/// by the admin API's own bearer options, and gets a Strict cookie; with an authority the OpenID Connect handler runs
/// the authorization-code flow with PKCE and its cookie is Lax, because the callback arrives by a cross-site redirect.
/// One policy scheme picks the cookie the request carries, so every console route declares one policy.
/// </summary>
public static class ConsoleAuth
{
    public const string Scheme = "Console";
    public const string TokenCookieScheme = "ConsoleToken";
    public const string OidcCookieScheme = "ConsoleOidcCookie";
    public const string OidcScheme = "ConsoleOidc";
    public const string TokenCookieName = "addonprovider_console";
    public const string OidcCookieName = "addonprovider_console_oidc";
    public const string OperatorPolicy = "console-operator";
    public const string SecurityPolicy = "console-security";
    public const string AnyRolePolicy = "console-any";
    public const string CallbackPath = "/console/signin-oidc";
    public const string SignInPath = "/console/sign-in";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>With an authority the console signs in through it; this client id is then required.</summary>
    public sealed record OidcClient(string Authority, string ClientId, string? ClientSecret);

    public static IServiceCollection AddConsoleAuth(this IServiceCollection services, Settings settings)
    {
        var authority = settings.Optional("ADMIN_JWT_AUTHORITY");
        OidcClient? oidc = null;
        if (authority is not null)
            oidc = new OidcClient(authority, settings.Optional("ADMIN_OIDC_CLIENT_ID") ?? throw new InvalidOperationException(
                    "ADMIN_OIDC_CLIENT_ID is required with ADMIN_JWT_AUTHORITY: the operators' console signs in through that authority."),
                settings.Optional("ADMIN_OIDC_CLIENT_SECRET"));
        services.AddSingleton(new ConsoleSignInMode(oidc));
        var secure = settings.IsProduction ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

        var auth = services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Operators' console", o => o.ForwardDefaultSelector = http =>
                http.Request.Cookies.ContainsKey(OidcCookieName) ? OidcCookieScheme
                : http.Request.Cookies.ContainsKey(TokenCookieName) ? TokenCookieScheme
                : oidc is null ? TokenCookieScheme : OidcCookieScheme)
            .AddCookie(TokenCookieScheme, o => Cookie(o, TokenCookieName, SameSiteMode.Strict, secure))
            .AddCookie(OidcCookieScheme, o =>
            {
                Cookie(o, OidcCookieName, SameSiteMode.Lax, secure);
                if (oidc is not null) o.ForwardChallenge = OidcScheme;
            });
        if (oidc is not null)
            auth.AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.RequireHttpsMetadata = settings.IsProduction;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // A query callback (a top-level GET) carries Lax cookies; the form_post default would need SameSite=None.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SignInScheme = OidcCookieScheme;
                o.CallbackPath = CallbackPath;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.SaveTokens = false;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.TokenValidationParameters.NameClaimType = "sub";
                o.TokenValidationParameters.RoleClaimType = "role";
                foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = secure;
                    cookie.Path = "/console";
                }
                o.Events = new OpenIdConnectEvents
                {
                    OnTicketReceived = async ctx =>
                    {
                        ctx.Principal = Principal(ctx.Principal!, "oidc");
                        ctx.Properties!.ExpiresUtc = Expiry(ctx.HttpContext, ctx.Principal.FindFirst(JwtRegisteredClaimNames.Exp)?.Value);
                        ctx.Properties.IsPersistent = false;
                        ctx.Properties.AllowRefresh = false;
                        await ConsoleAudit.WriteAsync(ctx.HttpContext, ctx.Principal, "console.sign-in", "oidc");
                    },
                    OnRemoteFailure = async ctx =>
                    {
                        // A refused callback (bad state, a code the provider rejects) counts like a refused pasted token.
                        ctx.HttpContext.RequestServices.GetRequiredService<AuthFailureThrottle>().Failed(ctx.HttpContext, AuthSurface.ConsoleSignIn);
                        ctx.HandleResponse();
                        await ConsolePage.Message(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in failed",
                            "The identity provider's answer could not be accepted. Start again from the console.").ExecuteAsync(ctx.HttpContext);
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(AdminRoles.Operator))
            .AddPolicy(SecurityPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(AdminRoles.Security))
            .AddPolicy(AnyRolePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(AdminRoles.All));
        return services;
    }

    private static void Cookie(CookieAuthenticationOptions o, string name, SameSiteMode sameSite, CookieSecurePolicy secure)
    {
        o.Cookie.Name = name;
        o.Cookie.Path = "/console";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = sameSite;
        o.Cookie.SecurePolicy = secure;
        o.ExpireTimeSpan = Lifetime;
        o.SlidingExpiration = false;
        o.LoginPath = SignInPath;
        o.ReturnUrlParameter = "returnUrl";
        o.Events.OnRedirectToAccessDenied = ctx => ConsolePage.Message(ctx.HttpContext, StatusCodes.Status403Forbidden, "Not allowed",
            ForbiddenMessage(ctx.HttpContext)).ExecuteAsync(ctx.HttpContext);
    }

    /// <summary>Which role the page needs, as the admin API says it for the same call.</summary>
    private static string ForbiddenMessage(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()?.Policy switch
        {
            SecurityPolicy => "This page needs the 'security' role.",
            OperatorPolicy => "This page needs the 'operator' role.",
            _ => "Your sign-in does not carry a role the console accepts ('operator' or 'security').",
        };

    /// <summary>The claims a console cookie keeps: who, which roles, and how they signed in.</summary>
    public static ClaimsPrincipal Principal(ClaimsPrincipal user, string method)
    {
        var claims = user.FindAll("role").Select(c => new Claim("role", c.Value))
            .Append(new Claim("sub", user.Subject()))
            .Append(new Claim("console_auth", method));
        if (user.FindFirst(JwtRegisteredClaimNames.Exp) is { } exp) claims = claims.Append(new Claim(JwtRegisteredClaimNames.Exp, exp.Value));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, "sub", "role"));
    }

    /// <summary>Fifteen minutes, never past the token's own expiry.</summary>
    public static DateTimeOffset Expiry(HttpContext http, string? exp)
    {
        var expires = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + Lifetime;
        return long.TryParse(exp, out var seconds) && DateTimeOffset.FromUnixTimeSeconds(seconds) < expires
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : expires;
    }

    public static Task SignInAsync(HttpContext http, ClaimsPrincipal principal, DateTimeOffset expires) =>
        http.SignInAsync(TokenCookieScheme, principal, new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false, AllowRefresh = false });
}

/// <summary>Whether this process signs operators in through an authority (OIDC) or by a pasted token.</summary>
public sealed record ConsoleSignInMode(ConsoleAuth.OidcClient? Oidc);
