using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AddonProvider.Tests.Infrastructure;

public static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts the status and returns the body, showing the body when the status is wrong.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json error with a message that contains <paramref name="fragment"/>.</summary>
    public static async Task<string> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string fragment)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var message = body.GetProperty("message").GetString()!;
        Assert.Contains(fragment, message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", body.ToString()); // never a stack trace
        return message;
    }
}
