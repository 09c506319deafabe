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

    /// <summary>
    /// The 4xx a request the framework could not read deserves: its own status for BadHttpRequestException (413 over
    /// the size limit, 400 for a broken form or a parameter that does not bind), 400 for InvalidDataException (form
    /// limits: too many fields, an over-long value); null for anything that is our fault.
    /// </summary>
    public static int? ClientStatus(Exception e) => e switch
    {
        BadHttpRequestException b when b.StatusCode is >= 400 and < 500 => b.StatusCode,
        InvalidDataException => StatusCodes.Status400BadRequest,
        _ => null,
    };

    public static IServiceCollection AddProblemResponses(this IServiceCollection services) => services
        // A request the framework refuses while binding (bad antiforgery token, unreadable form) is the client's
        // fault: its own 4xx, never a 500 (Development throws these instead of answering 400 directly).
        .Configure<ExceptionHandlerOptions>(o =>
        {
            o.StatusCodeSelector = e => ClientStatus(e) ?? StatusCodes.Status500InternalServerError;
            // A client's broken request is answered, not an incident: no error log for it. Exceptions a registered
            // handler answered (the database outage) log their own warning.
            o.SuppressDiagnosticsCallback = c => c.ExceptionHandledBy == Microsoft.AspNetCore.Diagnostics.ExceptionHandledType.ExceptionHandlerService
                || ClientStatus(c.Exception) is not null;
        })
        // Binding failures (a query value that is no int, an unreadable form) become exceptions in every environment,
        // so they reach the one writer of each surface and name the parameter, instead of an empty 400.
        .Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true)
        // Ahead of the framework's default writer, so ours shapes every body; the default one also declines clients
        // whose Accept lists no JSON type, which then got a body without requestId, plain text, or nothing.
        .AddSingleton<IProblemDetailsWriter, ProblemWriter>()
        .AddProblemDetails();
}
