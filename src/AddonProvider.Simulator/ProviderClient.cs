using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace AddonProvider.Simulator;

/// <summary>Speaks the Partner API to the provider the way Heroku does: Basic auth per product, v3 bodies.</summary>
public sealed class ProviderClient(HttpClient http)
{
    public static AuthenticationHeaderValue Basic(string product) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{product}:{AddonSecrets.Password(product)}")));

    public static object ProvisionBody(Guid uuid, string product, string plan, string region, bool grant, IDictionary<string, string>? options = null)
    {
        object? oauthGrant = null;
        if (grant)
        {
            var (code, expires) = GrantCodes.Mint(product, uuid);
            oauthGrant = new { code, expires_at = GrantCodes.HerokuTime(expires), type = "authorization_code" };
        }
        return new
        {
            uuid, name = $"{product}-{uuid.ToString()[..8]}", plan, region,
            callback_url = $"https://api.heroku.com/addons/{uuid}", options = options ?? new Dictionary<string, string>(),
            oauth_grant = oauthGrant,
        };
    }

    public Task<HttpResponseMessage> ProvisionAsync(string product, object body, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "heroku/resources", product, JsonContent.Create(body), ct);

    public Task<HttpResponseMessage> ChangePlanAsync(string product, Guid id, string plan, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"heroku/resources/{id}", product, JsonContent.Create(new { plan }), ct);

    public Task<HttpResponseMessage> DeprovisionAsync(string product, Guid id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"heroku/resources/{id}", product, null, ct);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string product, HttpContent? content, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = Basic(product);
        request.Headers.Accept.ParseAdd("application/vnd.heroku-addons+json; version=3");
        return http.SendAsync(request, ct);
    }
}
