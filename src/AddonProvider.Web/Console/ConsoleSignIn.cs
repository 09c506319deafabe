using AddonProvider.Web.Admin;
using AddonProvider.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>
/// Sign-in and sign-out. A pasted token is validated with the admin API's own bearer options (the same parameters, the
/// same `role` claim) and refused tokens count against the failure throttle's console surface; through an authority
/// the OpenID Connect handler runs the code flow instead.
/// </summary>
public static class ConsoleSignIn
{
    public const string TokenField = "token";

    public static void MapConsoleSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(ConsoleAuth.SignInPath, Show);
        app.MapPost(ConsoleAuth.SignInPath, SignIn);
        app.MapPost("/console/sign-out", (Delegate)SignOut).RequireAuthorization(ConsoleAuth.AnyRolePolicy);
    }

    private static IResult Show(HttpContext http, ConsoleSignInMode mode, string? returnUrl = null)
    {
        var target = LocalConsolePath(returnUrl);
        if (mode.Oidc is not null)
            return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = target }, [ConsoleAuth.OidcScheme]);
        return Form(http, target, null, StatusCodes.Status200OK);
    }

    private static ContentHttpResult Form(HttpContext http, string returnUrl, string? error, int status) => ConsolePage.Render(http, "Sign in", H($"""
        {When(error is not null, () => H($"<div class=\"errors\" role=\"alert\" id=\"sign-in-error\"><p>{error}</p></div>"))}
        <p>Paste an operator token (<code>token --subject you --role operator</code>, or <code>--role security</code>). It is
        exchanged for a console cookie that lasts 15 minutes at most, and never longer than the token.</p>
        <form method="post" action="{ConsoleAuth.SignInPath}" id="sign-in">
        {ConsolePage.Antiforgery(http)}
        <input type="hidden" name="returnUrl" value="{returnUrl}">
        <label for="token">Operator token</label>
        <textarea id="token" name="{TokenField}" rows="6" cols="80" autocomplete="off" spellcheck="false" required></textarea>
        <button type="submit">Sign in</button>
        </form>
        """), status);

    private static async Task<IResult> SignIn(HttpContext http, IFormCollection form, ConsoleSignInMode mode,
        AuthFailureThrottle throttle, IOptionsMonitor<JwtBearerOptions> bearer)
    {
        var returnUrl = LocalConsolePath(form["returnUrl"]);
        if (mode.Oidc is not null)
            return ConsolePage.Message(http, StatusCodes.Status404NotFound, "Sign in", "Operators sign in through the identity provider here; open /console.");
        var token = form[TokenField].ToString().Trim();
        if (token.Length == 0) return Form(http, returnUrl, "Paste a token first.", StatusCodes.Status400BadRequest);
        if (throttle.Refuse(http, AuthSurface.ConsoleSignIn, token) is { } wait)
        {
            http.Response.Headers.RetryAfter = AuthFailureThrottle.RetryAfterHeader(wait);
            return Form(http, returnUrl, AuthFailureThrottle.Message(wait), StatusCodes.Status429TooManyRequests);
        }
        // The very parameters the admin API's bearer handler validates with: issuer, audience, lifetime, key, algorithm.
        var parameters = bearer.Get(AdminAuth.JwtScheme).TokenValidationParameters;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            throttle.Failed(http, AuthSurface.ConsoleSignIn);
            var expired = result.Exception is Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException;
            return Form(http, returnUrl, expired ? "The token has expired; mint a new one." : "That is not a valid operator token.",
                StatusCodes.Status401Unauthorized);
        }
        var user = new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity);
        if (!AdminRoles.All.Any(user.IsInRole))
            return Form(http, returnUrl, "The token carries neither the 'operator' nor the 'security' role.", StatusCodes.Status403Forbidden);
        throttle.Succeeded(AuthSurface.ConsoleSignIn, token);
        var principal = ConsoleAuth.Principal(user, "token");
        await ConsoleAuth.SignInAsync(http, principal, ConsoleAuth.Expiry(http, user.FindFirst(JwtRegisteredClaimNames.Exp)?.Value));
        await ConsoleAudit.WriteAsync(http, principal, "console.sign-in", "token");
        return TypedResults.Redirect(returnUrl);
    }

    private static async Task<RedirectHttpResult> SignOut(HttpContext http)
    {
        await ConsoleAudit.WriteAsync(http, http.User, "console.sign-out");
        await http.SignOutAsync(ConsoleAuth.TokenCookieScheme);
        await http.SignOutAsync(ConsoleAuth.OidcCookieScheme);
        return TypedResults.Redirect("/console/signed-out");
    }

    /// <summary>Only a path inside the console: a sign-in never redirects anywhere else.</summary>
    public static string LocalConsolePath(string? url) =>
        url is { Length: > 0 } u && u.StartsWith("/console", StringComparison.Ordinal) && !u.StartsWith("//", StringComparison.Ordinal)
            && !u.Contains('\\') && Uri.IsWellFormedUriString(u, UriKind.Relative) ? u : "/console";
}
