using AddonProvider.Web.Errors;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;

namespace AddonProvider.Web.Inference;

/// <summary>
/// The one error shape of <c>/v1/*</c>, Heroku's inference shape: <c>{"error": {"code", "message", "type"}}</c>.
/// Never problem+json there: customers' SDKs parse this.
/// </summary>
public sealed class InferenceError(int status, string message) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<InferenceError.Body>, IEndpointMetadataProvider
{
    public sealed record Detail(
        [property: JsonPropertyName("code")] int Code,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type);

    public sealed record Body([property: JsonPropertyName("error")] Detail Error);

    /// <summary>An expected failure, written in the inference shape.</summary>
    public InferenceError(Failure failure) : this(failure.Status, failure.Message) { }

    public int StatusCode { get; } = status;
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public Body Value { get; } = new(new Detail(status, message, TypeOf(status)));
    object? IValueHttpResult.Value => Value;
    /// <summary>Sent as <c>Retry-After</c> when set (503s; a 429's comes with its rate-limit headers).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static InferenceError BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
    public static InferenceError Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, message);
    public static InferenceError Forbidden(string message) => new(StatusCodes.Status403Forbidden, message);
    public static InferenceError NotFound(string message) => new(StatusCodes.Status404NotFound, message);
    public static InferenceError TooLarge(string message) => new(StatusCodes.Status413PayloadTooLarge, message);
    public static InferenceError RateLimited(string message) => new(StatusCodes.Status429TooManyRequests, message);
    /// <summary>The model's upstream failed (an error answer, a broken stream): Heroku's table says 500.</summary>
    public static InferenceError UpstreamFailed(string message) => new(StatusCodes.Status500InternalServerError, message);
    public static InferenceError Unavailable(string message, int retryAfterSeconds) =>
        new(StatusCodes.Status503ServiceUnavailable, message) { RetryAfterSeconds = retryAfterSeconds };
    public static InferenceError GatewayTimeout(string message) => new(StatusCodes.Status504GatewayTimeout, message);

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
        if (RetryAfterSeconds is { } s) http.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteAsync(http.Response, StatusCode, Value);
    }

    public static Task WriteAsync(HttpResponse response, int status, Body body)
    {
        response.StatusCode = status;
        return response.WriteAsJsonAsync(body, InferenceJson.Options, contentType: "application/json; charset=utf-8");
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(Body), ["application/json"]));

    /// <summary>The message for statuses the framework produces on its own (unknown route, 405, 500).</summary>
    public static string DefaultMessage(int status) => status switch
    {
        404 => "There is no such inference endpoint.",
        413 => "The request body is too large.",
        503 => ProblemWriter.TimedOutMessage,
        >= 500 => "Something went wrong on our side; the request was not completed. Please retry.",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase + "." : "The request failed.",
    };
}
