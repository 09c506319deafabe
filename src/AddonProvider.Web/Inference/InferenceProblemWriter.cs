using Microsoft.AspNetCore.Http;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Makes every framework-made error under <c>/v1</c> (exceptions, unknown routes, 405, status-code pages)
/// speak the inference error shape instead of problem+json. It must run before the default writer.
/// </summary>
public sealed class InferenceProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => InferenceEndpoints.IsInferencePath(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var body = new InferenceError(status, InferenceError.DefaultMessage(status)).Value;
        return new ValueTask(InferenceError.WriteAsync(context.HttpContext.Response, status, body));
    }
}
