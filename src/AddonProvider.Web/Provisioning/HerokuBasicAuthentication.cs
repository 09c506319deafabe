using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Hosting;
using AddonProvider.Web.Secrets;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AddonProvider.Web.Provisioning;

/// <summary>
/// HTTP Basic for the Partner API: user = product id, password = that add-on's manifest password.
/// Runs as authentication, i.e. before routing hands the request to a handler, so a bad credential is a 401
/// before any body is read or any resource is looked up. Refused credentials count against the caller's address
/// (<see cref="AuthFailureThrottle"/>): past the limit, a password not seen valid is a 429 without being compared.
/// </summary>
public sealed class HerokuBasicAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AddonCredentials credentials,
    AuthFailureThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "HerokuBasic";
    public const string ProductClaim = "addon_product";
    private const string ThrottledKey = "heroku-basic.throttled";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (throttle.Refuse(Context, AuthSurface.PartnerApi, header.Parameter) is { } wait)
        {
            Context.Items[ThrottledKey] = wait;
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var result = Check(header.Parameter);
        if (result.Succeeded) throttle.Succeeded(AuthSurface.PartnerApi, header.Parameter);
        else throttle.Failed(Context, AuthSurface.PartnerApi);
        return Task.FromResult(result);
    }

    private AuthenticateResult Check(string parameter)
    {
        string user, password;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return AuthenticateResult.Fail("Malformed Basic credentials.");
            (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        var secrets = credentials.For(user);
        // Both comparisons always run, so timing tells nothing about which password (if any) matched.
        var current = Tokens.FixedTimeEquals(password, secrets?.Password ?? "\0");
        var previous = Tokens.FixedTimeEquals(password, secrets?.PreviousPassword ?? "\0");
        if (secrets is null || !(current || (previous && secrets.PreviousPassword is not null)))
            return AuthenticateResult.Fail("Invalid add-on credentials.");

        var identity = new ClaimsIdentity([new Claim(ProductClaim, secrets.ProductId), new Claim(ClaimTypes.Name, $"heroku:{secrets.ProductId}")], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledKey] is TimeSpan wait)
        {
            Response.Headers.RetryAfter = AuthFailureThrottle.RetryAfterHeader(wait);
            return Problems.WriteAsync(Context, Failure.RateLimited(AuthFailureThrottle.Message(wait)));
        }
        Response.Headers.WWWAuthenticate = "Basic realm=\"heroku-partner-api\", charset=\"UTF-8\"";
        return Problems.WriteAsync(Context, Failure.Unauthorized(
            "Invalid or missing add-on credentials (HTTP Basic: the add-on id and its manifest password)."));
    }
}

public static class HerokuPartnerAuth
{
    public const string Policy = "heroku-partner";

    public static string ProductId(this ClaimsPrincipal user) =>
        user.FindFirstValue(HerokuBasicAuthentication.ProductClaim) ?? throw new InvalidOperationException("Not a Heroku partner request.");
}
