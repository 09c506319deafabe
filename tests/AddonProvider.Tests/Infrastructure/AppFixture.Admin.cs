using System.Net.Http.Headers;
using System.Net.Http.Json;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Configuration;
using Microsoft.Extensions.Configuration;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>The admin API as an operator calls it: a bearer token minted with the development key, one role.</summary>
public partial class AppFixture
{
    public static AdminJwtSettings DevJwt { get; } =
        AdminJwtSettings.From(new Settings(new ConfigurationBuilder().Build(), Microsoft.Extensions.Hosting.Environments.Development));

    public static string Token(params string[] roles) => AdminTokens.Mint(DevJwt, "alice", roles, TimeSpan.FromMinutes(10));

    public HttpRequestMessage Admin(HttpMethod method, string path, object? body = null, string? role = AdminRoles.Security)
    {
        var request = new HttpRequestMessage(method, path);
        if (role is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(role));
        if (body is string s) request.Content = new StringContent(s, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    /// <summary>Calls the admin API as an operator holding <paramref name="role"/> (none: anonymous).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? role = AdminRoles.Security) =>
        Client.SendAsync(Admin(method, path, body, role));
}
