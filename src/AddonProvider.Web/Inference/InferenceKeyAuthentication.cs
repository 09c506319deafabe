using System.Security.Claims;
using System.Text.Encodings.Web;
using AddonProvider.Data;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AddonProvider.Web.Inference;

/// <summary>
/// <c>Authorization: Bearer inf-…</c> for the <c>/v1</c> group. Runs before any body is read; a missing or
/// unknown key is a 401 in the inference error shape.
/// </summary>
public sealed class InferenceKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    InferenceKeys keys, AddonDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "InferenceKey";
    public const string Policy = "InferenceKey";
    private const string FailureKey = "inference.auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return Fail("Missing Authorization header: send `Authorization: Bearer $INFERENCE_KEY`.");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            return Fail("The Authorization header must be `Bearer <your INFERENCE_KEY>`.");

        var caller = await keys.FindAsync(header[7..].Trim(), db, Context.RequestAborted);
        if (caller is null)
            return Fail("Invalid API key: it is unknown, revoked or expired.");

        Context.Features.Set(caller);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, caller.ResourceId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string message)
    {
        Context.Items[FailureKey] = message;
        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureKey] as string ?? "Invalid API key.";
        Response.Headers.WWWAuthenticate = "Bearer";
        return new InferenceError(Failure.Unauthorized(message)).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        new InferenceError(Failure.Forbidden("This key has no access to that.")).ExecuteAsync(Context);
}

public static class InferenceCallerExtensions
{
    public static InferenceCaller Caller(this HttpContext http) =>
        http.Features.Get<InferenceCaller>() ?? throw new InvalidOperationException("The inference group runs only behind InferenceKeyAuthentication.");
}
