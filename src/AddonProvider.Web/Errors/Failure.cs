using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Errors;

/// <summary>An expected failure of a use case: a status and a message the caller can show. Mapped to a response in one place.</summary>
public sealed record Failure(int Status, string Message)
{
    public static Failure BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
    public static Failure NotFound(string message) => new(StatusCodes.Status404NotFound, message);
    public static Failure Conflict(string message) => new(StatusCodes.Status409Conflict, message);
    public static Failure Unprocessable(string message) => new(StatusCodes.Status422UnprocessableEntity, message);

    public ProblemHttpResult ToResult() => Problems.Of(Status, Message);
}
