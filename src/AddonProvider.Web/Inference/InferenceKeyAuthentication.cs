using System.Security.Claims;
using System.Text.Encodings.Web;
using AddonProvider.Data;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AddonProvider.Web.Inference;

/// <summary>
/// <c>Authorization: Bearer inf-…</c> for the <c>/v1</c> group. Runs before any body is read; a missing or
/// unknown key is a 401 in the inference error shape. A key that is not shaped like one of ours never reaches the
/// database; refused keys count against the caller's address, and past AUTH_FAILURE_LIMIT a key this process has not
/// seen valid is a 429 before any look-up (<see cref="AuthFailureThrottle"/>).
/// </summary>
public sealed class InferenceKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    InferenceKeys keys, AddonDbContext db, AuthFailureThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "InferenceKey";
    public const string Policy = "InferenceKey";
    private const string FailureKey = "inference.auth-failure";
    private const string ThrottledKey = "inference.auth-throttled";
    private const string SuspendedKey = "inference.auth-suspended";
    private const string Unknown = "Invalid API key: it is unknown, revoked or expired.";

    /// <summary>A valid key of a suspended add-on: refused before rate limits, size and memory gates and the body read.</summary>
    public const string SuspendedMessage =
        "This add-on is suspended by the operator, so its API key is refused until it is resumed. Please contact support.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return Fail("Missing Authorization header: send `Authorization: Bearer $INFERENCE_KEY`.");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            return Fail("The Authorization header must be `Bearer <your INFERENCE_KEY>`.");

        var key = header[7..].Trim();
        if (throttle.Refuse(Context, AuthSurface.ApiKey, key) is { } wait)
        {
            Context.Items[ThrottledKey] = wait;
            return AuthenticateResult.NoResult();
        }
        var caller = InferenceKeys.IsWellFormed(key) ? await keys.FindAsync(key, db, Context.RequestAborted) : null;
        if (caller is null)
        {
            throttle.Failed(Context, AuthSurface.ApiKey);
            return Fail(Unknown);
        }

        throttle.Succeeded(AuthSurface.ApiKey, key);
        if (caller.Suspended)
        {
            // Not a caller: no ticket, so no handler, rate limiter or body reader ever sees it; the challenge answers 403.
            Context.Items[SuspendedKey] = true;
            return AuthenticateResult.NoResult();
        }
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
        if (Context.Items[ThrottledKey] is TimeSpan wait)
            return new InferenceError(StatusCodes.Status429TooManyRequests, AuthFailureThrottle.Message(wait))
            {
                RetryAfterSeconds = AuthFailureThrottle.Seconds(wait),
            }.ExecuteAsync(Context);
        if (Context.Items.ContainsKey(SuspendedKey))
            return InferenceError.Forbidden(SuspendedMessage).ExecuteAsync(Context);
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
