using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace AddonProvider.Web.Errors;

/// <summary>
/// Failures as RFC 9457 problem details with the `message` member Heroku shows to the customer. Endpoints return
/// <see cref="Failure.ToResult"/>; code outside an endpoint (authentication challenges, exception handlers) calls
/// <see cref="WriteAsync"/>. Both end in the one problem+json writer, <see cref="ProblemWriter"/> — or, under
/// <c>/v1</c>, in the /v1 error writer.
/// </summary>
public static class Problems
{
    public static ProblemDetails Of(Failure failure) => new()
    {
        Title = ReasonPhrases.GetReasonPhrase(failure.Status),
        Status = failure.Status,
        Detail = failure.Message,
        Extensions = { [ProblemWriter.MessageMember] = failure.Message },
    };

    public static Task WriteAsync(HttpContext http, Failure failure)
    {
        http.Response.StatusCode = failure.Status;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = Of(failure) }).AsTask();
    }

    public static IServiceCollection AddProblemResponses(this IServiceCollection services) => services
        // A request the framework refuses while binding (bad antiforgery token, unreadable form) is the client's
        // fault: its own 4xx, never a 500 (Development throws these instead of answering 400 directly).
        .Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = e => e is BadHttpRequestException b ? b.StatusCode : StatusCodes.Status500InternalServerError)
        // Ahead of the framework's default writer, so ours shapes every body; the default one also declines clients
        // whose Accept lists no JSON type, which then got a body without requestId, plain text, or nothing.
        .AddSingleton<IProblemDetailsWriter, ProblemWriter>()
        .AddProblemDetails();
}
