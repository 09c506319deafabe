using System.Diagnostics;

namespace AddonProvider.Web.Errors;

/// <summary>
/// The one writer of <c>application/problem+json</c>: our failures and the framework's own (unknown route, 405,
/// 413, 500) alike. Every body carries `message` (what Heroku shows; equal to `detail`) and `requestId` (the
/// router's X-Request-Id). <c>/v1</c> never gets here: its writer is registered first.
/// </summary>
public sealed class ProblemWriter : IProblemDetailsWriter
{
    public const string MessageMember = "message";
    public const string RequestIdMember = "requestId";
    /// <summary>
    /// Every surface's text for a 503 the framework made: the only one is a request stopped by REQUEST_TIMEOUT (ours
    /// carry their own message), which also gets Retry-After.
    /// </summary>
    public const string TimedOutMessage = "The request did not finish in time and was stopped. Retry after the time in the Retry-After header.";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ??= http.Response.StatusCode;
        // The members the framework's default writer adds, so no body loses one: the RFC type and title, the trace id.
        var defaults = TypedResults.Problem(statusCode: status).ProblemDetails;
        problem.Type ??= defaults.Type;
        problem.Title ??= defaults.Title;
        // Framework-made problems get a message too, never internals.
        problem.Detail ??= ClientMessage(context.Exception) ?? status switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
            StatusCodes.Status400BadRequest => "The request could not be read. If you submitted a form, reload the page and try again.",
            StatusCodes.Status500InternalServerError => "Something went wrong on our side; the request was not applied. Please retry.",
            StatusCodes.Status503ServiceUnavailable => TimedOutMessage,
            _ => problem.Title,
        };
        problem.Extensions.TryAdd(MessageMember, problem.Detail);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        problem.Extensions[RequestIdMember] = http.TraceIdentifier;
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", http.RequestAborted));
    }

    private static readonly System.Text.RegularExpressions.Regex Binding =
        new("^(?:Failed to bind parameter|Required parameter) \"[^\"]* (?<name>[A-Za-z_][A-Za-z0-9_]*)\"", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// What a client did wrong, naming the parameter when the framework could not bind one (never echoing the value, and
    /// never any other exception's text). Null for everything else.
    /// </summary>
    public static string? ClientMessage(Exception? e) => e switch
    {
        BadHttpRequestException b when Binding.Match(b.Message) is { Success: true } m =>
            $"{m.Groups["name"].Value} is missing or not a valid value of its type.",
        InvalidDataException => "The form could not be read: it has too many fields or an over-long field.",
        _ => null,
    };
}
