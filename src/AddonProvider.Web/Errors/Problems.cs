using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace AddonProvider.Web.Errors;

/// <summary>
/// The one place expected failures become responses: RFC 7807 problem details, plus the `message` member
/// that Heroku shows to the customer.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string message) =>
        TypedResults.Problem(
            detail: message,
            statusCode: status,
            title: ReasonPhrases.GetReasonPhrase(status),
            extensions: new Dictionary<string, object?> { ["message"] = message });

    public static ProblemHttpResult BadRequest(string message) => Of(StatusCodes.Status400BadRequest, message);
    public static ProblemHttpResult NotFound(string message) => Of(StatusCodes.Status404NotFound, message);
    public static ProblemHttpResult Conflict(string message) => Of(StatusCodes.Status409Conflict, message);
    public static ProblemHttpResult Unprocessable(string message) => Of(StatusCodes.Status422UnprocessableEntity, message);

    public static IServiceCollection AddProblemResponses(this IServiceCollection services) => services
        // A request the framework refuses while binding (bad antiforgery token, unreadable form) is the client's
        // fault: its own 4xx, never a 500 (Development throws these instead of answering 400 directly).
        .Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = e => e is BadHttpRequestException b ? b.StatusCode : StatusCodes.Status500InternalServerError)
        .AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // Framework-made problems (413, 404 of unknown routes, 500) get a message too, never internals.
            ctx.ProblemDetails.Detail ??= ctx.ProblemDetails.Status switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status400BadRequest => "The request could not be read. If you submitted a form, reload the page and try again.",
                StatusCodes.Status500InternalServerError => "Something went wrong on our side; the request was not applied. Please retry.",
                _ => ctx.ProblemDetails.Title,
            };
            ctx.ProblemDetails.Extensions.TryAdd("message", ctx.ProblemDetails.Detail);
            ctx.ProblemDetails.Extensions.TryAdd("requestId", ctx.HttpContext.TraceIdentifier);
        });
}
