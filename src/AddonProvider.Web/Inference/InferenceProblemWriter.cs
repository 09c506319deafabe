using AddonProvider.Web.Errors;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Makes every problem under <c>/v1</c> — the framework's (exceptions, unknown routes, 405, status-code pages) and
/// ours written outside an endpoint (the database-outage 503) — speak the inference error shape instead of
/// problem+json. It must run before the problem+json writer.
/// </summary>
public sealed class InferenceProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => InferenceEndpoints.IsInferencePath(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        // Our failures carry their message; the framework's get ours, never its internals.
        var message = context.ProblemDetails.Extensions.TryGetValue(ProblemWriter.MessageMember, out var m) && m is string text
            ? text : InferenceError.DefaultMessage(status);
        return new ValueTask(new InferenceError(status, message).ExecuteAsync(context.HttpContext));
    }
}
