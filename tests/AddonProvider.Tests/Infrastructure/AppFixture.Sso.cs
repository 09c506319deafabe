using System.Net;
using System.Text.RegularExpressions;
using AddonProvider.Web.Provisioning;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>SSO as Heroku performs it, and a customer's browser-like client afterwards.</summary>
public partial class AppFixture
{
    public const string UserId = "89abcdef-0123-4567-89ab-cdef01234567";
    public const string UserEmail = "user@example.com";

    public string SsoSalt(string product) => App.Services.GetRequiredService<AddonCredentials>().For(product)!.SsoSalt;

    /// <summary>The form Heroku posts to /sso/login, with a valid user-scoped token unless told otherwise.</summary>
    public Dictionary<string, string> SsoForm(Guid resourceId, string product, long? timestamp = null, string userId = UserId,
        string email = UserEmail, SsoTokenKind kind = SsoTokenKind.UserScoped, string? salt = null, string navData = "eyJhcHBuYW1lIjoiYWNtZSJ9")
    {
        var ts = (timestamp ?? Clock.GetUtcNow().ToUnixTimeSeconds()).ToString();
        var token = SsoTokens.Compute(kind, resourceId.ToString(), salt ?? SsoSalt(product), ts, userId, email);
        var form = new Dictionary<string, string>
        {
            ["resource_id"] = resourceId.ToString(), ["id"] = resourceId.ToString(), ["timestamp"] = ts,
            ["user_id"] = userId, ["email"] = email, ["app"] = "acme-app", ["context_app"] = "acme-app", ["nav-data"] = navData,
        };
        form[kind switch { SsoTokenKind.UserScoped => "user_scoped_resource_token", SsoTokenKind.Resource => "resource_token", _ => "token" }] = token;
        return form;
    }

    /// <summary>A client that keeps cookies and does not follow redirects, like a browser whose every hop the test inspects.</summary>
    public HttpClient NewBrowserClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };

    /// <summary>Logs in to <paramref name="resourceId"/>'s dashboard through POST /sso/login; the client holds the session cookie.</summary>
    public async Task<HttpClient> SsoLoginAsync(Guid resourceId, string userId = UserId, string email = UserEmail)
    {
        string product;
        await using (var db = Db()) product = await db.Resources.Where(r => r.Id == resourceId).Select(r => r.ProductId).SingleAsync();
        var client = NewBrowserClient();
        using var response = await client.PostAsync("/sso/login", new FormUrlEncodedContent(SsoForm(resourceId, product, userId: userId, email: email)));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"SSO login answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>The antiforgery token of the first form on the page at <paramref name="path"/>.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        return Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
    }

    /// <summary>Posts a dashboard form the way the page would, antiforgery token included.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string action, IDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, pagePath) };
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }
}
