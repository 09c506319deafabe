using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Dashboard;

namespace AddonProvider.Tests.Hosting;

/// <summary>Every answer carries a content security policy fit for what it is; scripts come only from us and boomerang's one file.</summary>
public sealed class ContentSecurityPolicyTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static string Csp(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values.Single() : "";

    private static string Directive(string csp, string name) =>
        csp.Split(';').Select(d => d.Trim()).SingleOrDefault(d => d.StartsWith(name + " ", StringComparison.Ordinal)) ?? "";

    [Fact]
    public async Task DashboardPages_AllowBoomerangsExactUrl_NotTheWholeS3Host()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        using var session = await app.SsoLoginAsync(id);
        using var page = await session.GetAsync($"/dashboard/{id}/mobiloud");
        var scripts = Directive(Csp(page), "script-src").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["script-src", "'self'", Page.BoomerangUrl], scripts);
        Assert.Contains(Page.BoomerangUrl, await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/admin/resources", true)]
    [InlineData("/admin/resources?page=0", true)]
    [InlineData("/admin/nothing-here", true)]
    [InlineData("/admin/resources", false)]
    [InlineData("/heroku/resources", false)]
    [InlineData("/health/live", false)]
    public async Task JsonAnswersAndErrors_LoadAndFrameNothing(string path, bool operatorToken)
    {
        using var response = await app.SendAsync(HttpMethod.Get, path, role: operatorToken ? AdminRoles.Operator : null);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Csp(response));
    }

    [Fact]
    public async Task AdminLoginPage_RunsNoInlineScript_UnderAPolicyWithoutUnsafeInlineScripts()
    {
        using var response = await app.Client.GetAsync("/admin/login");
        var html = await response.Content.ReadAsStringAsync();
        var scripts = Directive(Csp(response), "script-src");
        Assert.Equal("script-src 'self'", scripts);
        Assert.Contains("frame-ancestors 'none'", Csp(response));
        Assert.DoesNotContain("<script>", html);
        using var script = await app.Client.GetAsync("/admin/login.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DashboardErrorPages_KeepTheirPolicy()
    {
        using var response = await app.Client.GetAsync($"/dashboard/{Guid.NewGuid()}");
        Assert.Contains(Page.BoomerangUrl, Csp(response));
        using var unknown = await app.Client.GetAsync("/sso/nothing-here");
        Assert.Contains(Page.BoomerangUrl, Csp(unknown));
        Assert.Equal("text/html", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NavDataCookie_HasPathSlash_AndIsSecureOnlyOnHttps(bool https)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        using var client = app.NewBrowserClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/sso/login") { Content = new FormUrlEncodedContent(app.SsoForm(id, "mobiloud")) };
        if (https) request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var nav = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("heroku-nav-data=", StringComparison.Ordinal));
        var attributes = nav.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("path=/", attributes);
        Assert.Equal(https, attributes.Contains("secure"));
    }
}
