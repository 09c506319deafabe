using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;

namespace AddonProvider.Web.Heroku;

public sealed record AddonInfo(string Id, string? State, AddonApp? App);
public sealed record AddonApp(string Id, string? Name);
public sealed record AppInfo(string Id, string? Name, AppOwner? Owner);
public sealed record AppOwner(string? Id, string? Email);

/// <summary>Heroku answered a Platform API call with an error that retries did not cure.</summary>
public sealed class PlatformApiException(string call, HttpStatusCode status) : Exception($"Heroku Platform API {call} answered {(int)status}.")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The Platform API calls a partner makes, each with the resource's own bearer token. 429 and 5xx are retried
/// (HerokuRetryHandler); a 401 refreshes the token once and tries again.
/// </summary>
public sealed class PlatformApiClient(HttpClient http, HerokuTokens tokens)
{
    public const string Accept = "application/vnd.heroku+json; version=3";

    public async Task UpdateConfigAsync(Guid resourceId, IReadOnlyDictionary<string, string> config, CancellationToken ct)
    {
        var body = new ConfigUpdate(config.Select(kv => new ConfigVar(kv.Key, kv.Value)).ToList());
        using var _ = await SendAsync(resourceId, "PATCH config", () =>
            new HttpRequestMessage(HttpMethod.Patch, $"addons/{resourceId}/config") { Content = JsonContent.Create(body) }, ct);
    }

    public async Task MarkProvisionedAsync(Guid resourceId, CancellationToken ct)
    {
        using var _ = await SendAsync(resourceId, "POST actions/provision", () =>
            new HttpRequestMessage(HttpMethod.Post, $"addons/{resourceId}/actions/provision"), ct);
    }

    public async Task<AddonInfo> GetAddonAsync(Guid resourceId, CancellationToken ct)
    {
        using var response = await SendAsync(resourceId, "GET addon", () => new HttpRequestMessage(HttpMethod.Get, $"addons/{resourceId}"), ct);
        return (await response.Content.ReadFromJsonAsync<AddonInfo>(ct))!;
    }

    public async Task<AppInfo> GetAppAsync(Guid resourceId, string appId, CancellationToken ct)
    {
        using var response = await SendAsync(resourceId, "GET app", () =>
            new HttpRequestMessage(HttpMethod.Get, $"apps/{Uri.EscapeDataString(appId)}"), ct);
        return (await response.Content.ReadFromJsonAsync<AppInfo>(ct))!;
    }

    private async Task<HttpResponseMessage> SendAsync(Guid resourceId, string call, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        var token = await tokens.AccessTokenAsync(resourceId, rejected: null, ct);
        var response = await SendOnceAsync(build(), token, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            token = await tokens.AccessTokenAsync(resourceId, rejected: token, ct);
            response = await SendOnceAsync(build(), token, ct);
        }
        if (response.IsSuccessStatusCode) return response;
        var status = response.StatusCode;
        response.Dispose();
        throw new PlatformApiException(call, status);
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string token, CancellationToken ct)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request, ct);
    }

    private sealed record ConfigUpdate([property: JsonPropertyName("config")] List<ConfigVar> Config);
    private sealed record ConfigVar([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("value")] string Value);
}
