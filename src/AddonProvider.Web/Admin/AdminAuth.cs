using System.Security.Claims;
using AddonProvider.Data;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace AddonProvider.Web.Admin;

/// <summary>
/// Operators authenticate with a JWT bearer token on /admin; the jobs dashboard, which a browser opens without a
/// bearer header, takes a short-lived HttpOnly cookie obtained by presenting such a token (see AdminSessionEndpoints).
/// </summary>
public static class AdminAuth
{
    public const string JwtScheme = "AdminJwt";
    public const string CookieScheme = "AdminCookie";
    public const string CookieName = "addonprovider_admin";
    public const string OperatorPolicy = "admin-operator";
    public const string SecurityPolicy = "admin-security";
    public const string AnyRolePolicy = "admin-any";
    public const string JobsDashboardPolicy = "admin-jobs-dashboard";
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddAdminAuth(this IServiceCollection services, Settings settings)
    {
        var jwt = AdminJwtSettings.From(settings);
        services.AddSingleton(jwt);
        // Cookies must open on every dyno: the keys live in PostgreSQL, not on one dyno's disk.

        services.AddAuthentication()
            .AddJwtBearer(JwtScheme, o =>
            {
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = settings.IsProduction;
                o.Authority = jwt.Authority;
                o.TokenValidationParameters = Validation(jwt);
                o.Events = new JwtBearerEvents
                {
                    // Refused tokens count against the caller's address; past the limit a token not seen valid is a 429
                    // without being validated (AuthFailureThrottle). The token sign-in of the jobs dashboard counts apart.
                    OnMessageReceived = ctx =>
                    {
                        if (BearerToken(ctx.Request) is { } token && Throttle(ctx.HttpContext).Refuse(ctx.HttpContext, Surface(ctx.HttpContext), token) is { } wait)
                        {
                            ctx.HttpContext.Items[ThrottledKey] = wait;
                            ctx.NoResult();
                        }
                        return Task.CompletedTask;
                    },
                    OnAuthenticationFailed = ctx =>
                    {
                        Throttle(ctx.HttpContext).Failed(ctx.HttpContext, Surface(ctx.HttpContext));
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = ctx =>
                    {
                        // One token serves the API and the jobs sign-in: seen valid on either, it passes both.
                        if (BearerToken(ctx.Request) is { } token)
                        {
                            Throttle(ctx.HttpContext).Succeeded(AuthSurface.Admin, token);
                            Throttle(ctx.HttpContext).Succeeded(AuthSurface.AdminSignIn, token);
                        }
                        return Task.CompletedTask;
                    },
                    OnChallenge = async ctx =>
                    {
                        ctx.HandleResponse();
                        if (ctx.HttpContext.Items[ThrottledKey] is TimeSpan wait)
                        {
                            ctx.Response.Headers.RetryAfter = AuthFailureThrottle.RetryAfterHeader(wait);
                            await WriteProblemAsync(ctx.HttpContext, Failure.RateLimited(AuthFailureThrottle.Message(wait)));
                            return;
                        }
                        var expired = ctx.AuthenticateFailure is SecurityTokenExpiredException;
                        ctx.Response.Headers.WWWAuthenticate = ctx.AuthenticateFailure is null
                            ? "Bearer" : "Bearer error=\"invalid_token\"";
                        await WriteProblemAsync(ctx.HttpContext, Failure.Unauthorized(expired
                            ? "The operator token has expired; mint a new one."
                            : "A valid operator token is required: Authorization: Bearer <JWT> (see the `token` command)."));
                    },
                    OnForbidden = ctx => WriteProblemAsync(ctx.HttpContext, Failure.Forbidden(ForbiddenMessage(ctx.HttpContext))),
                };
            })
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.Path = "/admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = settings.IsProduction ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = CookieLifetime;
                o.SlidingExpiration = false;
                o.Events.OnRedirectToLogin = ctx => WriteProblemAsync(ctx.HttpContext, Failure.Unauthorized(
                    "Sign in first: POST your operator token to /admin/session (or open /admin/login)."));
                o.Events.OnRedirectToAccessDenied = ctx => WriteProblemAsync(ctx.HttpContext, Failure.Forbidden(ForbiddenMessage(ctx.HttpContext)));
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(JwtScheme).RequireRole(AdminRoles.Operator))
            .AddPolicy(SecurityPolicy, p => p.AddAuthenticationSchemes(JwtScheme).RequireRole(AdminRoles.Security))
            .AddPolicy(AnyRolePolicy, p => p.AddAuthenticationSchemes(JwtScheme).RequireRole(AdminRoles.All))
            .AddPolicy(JobsDashboardPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(AdminRoles.Operator));
        return services;
    }

    public static TokenValidationParameters Validation(AdminJwtSettings jwt) => new()
    {
        // Always validated; with an authority and no ADMIN_JWT_ISSUER, JwtBearer takes the issuer from its metadata.
        ValidateIssuer = true,
        ValidIssuer = jwt.Issuer,
        ValidateAudience = true,
        ValidAudience = jwt.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = MaxClockSkew,
        // Unsigned tokens (alg: none) never validate; with a local key only HS256 is accepted, so a token cannot
        // pick a weaker or confusable algorithm. With an authority the keys (and their algorithms) come from its metadata.
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = jwt.Authority is null ? jwt.SigningKey : null,
        ValidAlgorithms = jwt.Authority is null ? [SecurityAlgorithms.HmacSha256] : null,
        NameClaimType = "sub",
        RoleClaimType = "role",
    };

    private const string ThrottledKey = "admin-jwt.throttled";

    private static AuthFailureThrottle Throttle(HttpContext http) => http.RequestServices.GetRequiredService<AuthFailureThrottle>();

    private static AuthSurface Surface(HttpContext http) =>
        http.Request.Path.StartsWithSegments(AdminSessionEndpoints.SessionPath) ? AuthSurface.AdminSignIn : AuthSurface.Admin;

    private static string? BearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header[7..].Trim() : null;

    private static string ForbiddenMessage(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()?.Policy switch
        {
            SecurityPolicy => "This call needs the 'security' role.",
            OperatorPolicy or JobsDashboardPolicy => "This call needs the 'operator' role.",
            _ => "Your token does not carry a role this call accepts.",
        };

    private static Task WriteProblemAsync(HttpContext http, Failure failure) =>
        http.Response.HasStarted ? Task.CompletedTask : Problems.WriteAsync(http, failure);

    /// <summary>The claims kept in the dashboard cookie: who, and which roles.</summary>
    public static ClaimsPrincipal CookiePrincipal(ClaimsPrincipal tokenUser)
    {
        var claims = tokenUser.FindAll("role").Select(c => new Claim("role", c.Value)).Append(new Claim("sub", tokenUser.Subject()));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme, "sub", "role"));
    }
}
