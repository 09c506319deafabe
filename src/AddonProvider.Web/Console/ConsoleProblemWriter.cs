using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.WebUtilities;

namespace AddonProvider.Web.Console;

/// <summary>
/// Operators' browsers get console pages, never JSON, for what the framework refuses under /console (a form without
/// its antiforgery token, an unknown route). The JSON endpoints the console's scripts poll answer problem+json.
/// </summary>
public sealed class ConsoleProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.Path.StartsWithSegments("/console")
        && !context.HttpContext.Request.Path.StartsWithSegments("/console/api");

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var message = PageProblemWriter.Message(context, status, status == StatusCodes.Status400BadRequest
            ? "The form could not be read or its antiforgery token is missing; nothing was changed. Reload the page and try again."
            : null);
        return new ValueTask(ConsolePage.Message(http, status, ReasonPhrases.GetReasonPhrase(status), message).ExecuteAsync(http));
    }
}
