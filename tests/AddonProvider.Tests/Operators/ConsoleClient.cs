using System.Net;
using System.Text.RegularExpressions;
using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Operators;

/// <summary>
/// An operator's browser, spoken over HTTP: a cookie jar, no automatic redirects, and forms posted with the antiforgery
/// token the page they came from carried (or, for CSRF negatives, without it).
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    public string? LastFormToken { get; private set; }

    public ConsoleClient(Uri baseAddress) =>
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    public static async Task<ConsoleClient> SignedInAsync(AppFixture app, params string[] roles)
    {
        var client = new ConsoleClient(app.BaseAddress);
        using var response = await client.SignInAsync(AppFixture.Token(roles));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public async Task<HttpResponseMessage> SignInAsync(string token, bool withAntiforgery = true)
    {
        await GetPageAsync("/console/sign-in");
        return await PostAsync("/console/sign-in", new() { ["token"] = token, ["returnUrl"] = "/console" }, withAntiforgery);
    }

    /// <summary>Loads a page (remembering its antiforgery token) and returns its HTML; fails unless it answers 200.</summary>
    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path} answered {(int)response.StatusCode}, expected {(int)expected}: {html}");
        if (TokenField().Match(html) is { Success: true } m) LastFormToken = WebUtility.HtmlDecode(m.Groups[1].Value);
        return html;
    }

    public Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> fields, bool withAntiforgery = true)
    {
        var all = new Dictionary<string, string>(fields);
        if (withAntiforgery) all["__RequestVerificationToken"] = LastFormToken ?? throw new InvalidOperationException("Load a page with a form first.");
        return Http.PostAsync(path, new FormUrlEncodedContent(all));
    }

    public Cookie? Cookie(string name) => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public void Dispose() => Http.Dispose();
}
