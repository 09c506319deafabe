using System.Text.Json.Serialization;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;

namespace AddonProvider.Web.Inference;

/// <summary>
/// The one writer of <c>/v1/*</c> errors, in Heroku's inference shape: <c>{"error": {"code", "message", "type"}}</c>.
/// Never problem+json there: customers' SDKs parse this. Endpoints return it for a <see cref="Failure"/>; the
/// framework's own errors under /v1 reach it through <see cref="InferenceProblemWriter"/>.
/// </summary>
public sealed class InferenceError(int status, string message) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<InferenceError.Body>, IEndpointMetadataProvider
{
    public sealed record Detail(
        [property: JsonPropertyName("code")] int Code,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type);

    public sealed record Body([property: JsonPropertyName("error")] Detail Error);

    public InferenceError(Failure failure) : this(failure.Status, failure.Message) { }

    public int StatusCode { get; } = status;
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public Body Value { get; } = new(new Detail(status, message, TypeOf(status)));
    object? IValueHttpResult.Value => Value;

    public static string TypeOf(int status) => status switch
    {
        401 => "authentication_error",
        403 => "authorization_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCode;
        return http.Response.WriteAsJsonAsync(Value, InferenceJson.Options, contentType: "application/json; charset=utf-8");
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(Body), ["application/json"]));

    /// <summary>The message for statuses the framework produces on its own (unknown route, 405, 500).</summary>
    public static string DefaultMessage(int status) => status switch
    {
        404 => "There is no such inference endpoint.",
        413 => "The request body is too large.",
        >= 500 => "Something went wrong on our side; the request was not completed. Please retry.",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase + "." : "The request failed.",
    };
}
