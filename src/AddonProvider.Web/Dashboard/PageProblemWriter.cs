using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.WebUtilities;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// Customers' browsers get pages, never JSON: every problem under <c>/dashboard</c> and <c>/sso</c> that the framework
/// makes (an unreadable or oversized form, an unknown route, a 500) is written as the page shell with its message.
/// Registered ahead of the problem+json writer, like the /v1 error writer.
/// </summary>
public sealed class PageProblemWriter : IProblemDetailsWriter
{
    public static bool IsPagePath(PathString path) => path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/sso");

    public bool CanWrite(ProblemDetailsContext context) => IsPagePath(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var message = Message(context, status, status switch
        {
            StatusCodes.Status413PayloadTooLarge => "The form is too large; nothing was changed.",
            StatusCodes.Status400BadRequest => "The form could not be read; nothing was changed. Reload the page and try again.",
            _ => null,
        });
        return new ValueTask(Page.Message(http, status, ReasonPhrases.GetReasonPhrase(status), message).ExecuteAsync(http));
    }

    /// <summary>
    /// What a page says about a problem, for every page surface (dashboards, the console): the problem's own message,
    /// else the exception's client message, else the surface's <paramref name="forStatus"/>, else one per status.
    /// </summary>
    public static string Message(ProblemDetailsContext context, int status, string? forStatus) =>
        context.ProblemDetails.Extensions.TryGetValue(ProblemWriter.MessageMember, out var m) && m is string text ? text
            : ProblemWriter.ClientMessage(context.Exception) ?? forStatus ?? status switch
            {
                StatusCodes.Status404NotFound => "There is nothing here.",
                StatusCodes.Status503ServiceUnavailable => ProblemWriter.TimedOutMessage,
                >= 500 => "Something went wrong on our side; nothing was changed. Please retry.",
                _ => ReasonPhrases.GetReasonPhrase(status),
            };
}

public static class PageProblems
{
    /// <summary>ProblemDetailsService asks its writers in registration order: this one must come before problem+json's.</summary>
    public static IServiceCollection AddPageProblems(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, PageProblemWriter>());
        return services;
    }
}
