using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Secrets;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AddonProvider.Web.Provisioning;

/// <summary>
/// HTTP Basic for the Partner API: user = product id, password = that add-on's manifest password.
/// Runs as authentication, i.e. before routing hands the request to a handler, so a bad credential is a 401
/// before any body is read or any resource is looked up.
/// </summary>
public sealed class HerokuBasicAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AddonCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "HerokuBasic";
    public const string ProductClaim = "addon_product";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return Task.FromResult(AuthenticateResult.NoResult());

        string user, password;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
            (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        var secrets = credentials.For(user);
        // Both comparisons always run, so timing tells nothing about which password (if any) matched.
        var current = Tokens.FixedTimeEquals(password, secrets?.Password ?? "\0");
        var previous = Tokens.FixedTimeEquals(password, secrets?.PreviousPassword ?? "\0");
        if (secrets is null || !(current || (previous && secrets.PreviousPassword is not null)))
            return Task.FromResult(AuthenticateResult.Fail("Invalid add-on credentials."));

        var identity = new ClaimsIdentity([new Claim(ProductClaim, secrets.ProductId), new Claim(ClaimTypes.Name, $"heroku:{secrets.ProductId}")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
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
