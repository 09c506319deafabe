using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;

namespace AddonProvider.Web.Heroku;

public sealed record AddonInfo(string Id, string? State, AddonApp? App,
    [property: JsonPropertyName("billing_entity")] BillingEntity? BillingEntity = null);
public sealed record AddonApp(string Id, string? Name);
/// <summary>Who pays for the add-on: its app (<c>type</c> "app") or the team that owns the app ("team").</summary>
public sealed record BillingEntity(string Id, string? Name, string? Type);
public sealed record Collaborator(CollaboratorUser? User, List<NamedPermission>? Permissions, string? Role);
public sealed record CollaboratorUser(string? Id, string? Email);
public sealed record NamedPermission(string? Name);
public sealed record TeamMember(string? Email, string? Role, CollaboratorUser? User);
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

    public Task<List<Collaborator>> GetCollaboratorsAsync(Guid resourceId, string appId, CancellationToken ct) =>
        GetListAsync<Collaborator>(resourceId, "GET collaborators", $"apps/{Uri.EscapeDataString(appId)}/collaborators", ct);

    public Task<List<TeamMember>> GetTeamMembersAsync(Guid resourceId, string teamId, CancellationToken ct) =>
        GetListAsync<TeamMember>(resourceId, "GET team members", $"teams/{Uri.EscapeDataString(teamId)}/members", ct);

    /// <summary>A list endpoint, every page: Heroku answers 206 with <c>Next-Range</c> while more remain.</summary>
    private async Task<List<T>> GetListAsync<T>(Guid resourceId, string call, string path, CancellationToken ct)
    {
        var all = new List<T>();
        string? range = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var current = range;
            using var response = await SendAsync(resourceId, call, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (current is not null) request.Headers.TryAddWithoutValidation("Range", current);
                return request;
            }, ct);
            all.AddRange(await response.Content.ReadFromJsonAsync<List<T>>(ct) ?? []);
            if (!response.Headers.TryGetValues("Next-Range", out var next) || next.FirstOrDefault() is not { Length: > 0 } n) break;
            range = n;
        }
        return all;
    }

    /// <summary>1,000 pages of 200: far beyond any app's collaborators; a guard against a server that never ends.</summary>
    private const int MaxPages = 1000;

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
