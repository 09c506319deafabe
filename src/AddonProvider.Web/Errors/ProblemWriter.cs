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
        problem.Detail ??= status switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
            StatusCodes.Status400BadRequest => "The request could not be read. If you submitted a form, reload the page and try again.",
            StatusCodes.Status500InternalServerError => "Something went wrong on our side; the request was not applied. Please retry.",
            _ => problem.Title,
        };
        problem.Extensions.TryAdd(MessageMember, problem.Detail);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        problem.Extensions[RequestIdMember] = http.TraceIdentifier;
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", http.RequestAborted));
    }
}
