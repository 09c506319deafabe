using System.Text.Json;
namespace AddonProvider.Web.Errors;

/// <summary>
/// Reads a JSON request body and turns every way it can be wrong into a 4xx that names the problem.
/// Handlers read bodies through this instead of parameter binding, so authentication always runs first
/// and a broken body never becomes a framework 400 with no explanation.
/// </summary>
public static class JsonBody
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength == 0)
            return Failure.BadRequest("The request body is empty; a JSON object is required.");
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
            if (value is null) return Failure.BadRequest("The request body must be a JSON object, not null.");
            return value;
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at {path}" : e.LineNumber is { } line ? $" at line {line + 1}" : "";
            var what = e.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "a field has the wrong type" : "it is not valid JSON";
            return Failure.BadRequest($"The request body could not be read: {what}{where}.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Failure.TooLarge("The request body is too large.");
        }
    }
}
