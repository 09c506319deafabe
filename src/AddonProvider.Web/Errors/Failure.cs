using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Errors;

/// <summary>The kinds of expected failure. Each maps to exactly one status code, in <see cref="Failure.Status"/>.</summary>
public enum FailureKind
{
    BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Gone, TooLarge, Unprocessable, RateLimited, BadGateway, Unavailable, GatewayTimeout,
}

/// <summary>
/// An expected failure of a use case: what kind, and a message the caller can show. The one result type for
/// failures on every surface; the JSON surfaces write it as problem+json (<see cref="Problems"/>), <c>/v1</c> as its
/// own error shape, the dashboards as their HTML pages.
/// </summary>
public sealed record Failure(FailureKind Kind, string Message)
{
    public int Status => Kind switch
    {
        FailureKind.BadRequest => StatusCodes.Status400BadRequest,
        FailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Gone => StatusCodes.Status410Gone,
        FailureKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        FailureKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        FailureKind.RateLimited => StatusCodes.Status429TooManyRequests,
        FailureKind.BadGateway => StatusCodes.Status502BadGateway,
        FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        FailureKind.GatewayTimeout => StatusCodes.Status504GatewayTimeout,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    public static Failure BadRequest(string message) => new(FailureKind.BadRequest, message);
    public static Failure Unauthorized(string message) => new(FailureKind.Unauthorized, message);
    public static Failure Forbidden(string message) => new(FailureKind.Forbidden, message);
    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);
    public static Failure Conflict(string message) => new(FailureKind.Conflict, message);
    public static Failure Gone(string message) => new(FailureKind.Gone, message);
    public static Failure TooLarge(string message) => new(FailureKind.TooLarge, message);
    public static Failure Unprocessable(string message) => new(FailureKind.Unprocessable, message);
    public static Failure RateLimited(string message) => new(FailureKind.RateLimited, message);
    public static Failure BadGateway(string message) => new(FailureKind.BadGateway, message);
    public static Failure Unavailable(string message) => new(FailureKind.Unavailable, message);
    public static Failure GatewayTimeout(string message) => new(FailureKind.GatewayTimeout, message);

    /// <summary>This failure as an endpoint result on a JSON surface (problem+json).</summary>
    public ProblemHttpResult ToResult() => TypedResults.Problem(Problems.Of(this));
}
