using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Inference;

public static class InferenceHttp
{
    /// <summary>Asserts the inference error shape <c>{"error": {"code", "message", "type"}}</c> and returns the message.</summary>
    public static async Task<string> ExpectInferenceErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string type, string? exactMessage = null)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Single(body.EnumerateObject());
        var error = body.GetProperty("error");
        Assert.Equal((int)status, error.GetProperty("code").GetInt32());
        Assert.Equal(type, error.GetProperty("type").GetString());
        var message = error.GetProperty("message").GetString()!;
        if (exactMessage is not null) Assert.Equal(exactMessage, message);
        Assert.DoesNotContain("   at ", body.ToString());
        return message;
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
