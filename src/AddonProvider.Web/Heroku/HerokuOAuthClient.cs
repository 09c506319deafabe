using System.Net;
using System.Text.Json.Serialization;

namespace AddonProvider.Web.Heroku;

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("user_id")] string? UserId);

/// <summary>Heroku refused a grant or refresh token outright (4xx): retrying the same one cannot help.</summary>
public sealed class OAuthRejectedException(HttpStatusCode status) : Exception($"Heroku's token endpoint refused the grant ({(int)status}).")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>HEROKU_ID_URL/oauth/token: grant-code exchange and refresh. Form bodies are never logged.</summary>
public sealed class HerokuOAuthClient(HttpClient http)
{
    public Task<TokenResponse> ExchangeAsync(string code, string clientSecret, CancellationToken ct) =>
        PostAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["client_secret"] = clientSecret }, ct);

    public Task<TokenResponse> RefreshAsync(string refreshToken, string clientSecret, CancellationToken ct) =>
        PostAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_secret"] = clientSecret }, ct);

    private async Task<TokenResponse> PostAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        using var response = await http.PostAsync("oauth/token", new FormUrlEncodedContent(form), ct);
        if ((int)response.StatusCode is >= 400 and < 500 and not 429) throw new OAuthRejectedException(response.StatusCode);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
            ?? throw new InvalidOperationException("Heroku's token endpoint answered without a body.");
    }
}
