using AddonProvider.Simulator;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Dashboard;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

/// <summary>
/// Deep links through Heroku SSO in a real browser, with the simulated Heroku on another site (127.0.0.2) than the app
/// (localhost), so the sign-in is a cross-site form POST and SameSite rules apply as they do on Heroku.
/// </summary>
public sealed class DeepLinkBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private HerokuSimulator.Running _heroku = null!;
    private string _appBase = "";

    public async Task InitializeAsync()
    {
        _appBase = $"http://localhost:{app.BaseAddress.Port}";
        _heroku = await HerokuSimulator.StartAsync("http://127.0.0.2:0", _appBase, ssoSalt: app.SsoSalt);
        Assert.Equal("127.0.0.2", _heroku.BaseAddress.Host);
    }

    public async Task DisposeAsync() => await _heroku.DisposeAsync();

    private async Task<IPage> NewPageAsync()
    {
        var context = await app.Browser.NewContextAsync();
        // No internet here: only the app and the simulated Heroku answer.
        await context.RouteAsync(url => !url.StartsWith(_appBase, StringComparison.Ordinal) && !url.StartsWith(_heroku.BaseAddress.ToString(), StringComparison.Ordinal),
            route => route.AbortAsync());
        return await context.NewPageAsync();
    }

    /// <summary>Opens the add-on "from Heroku": the simulator's page posts a freshly signed SSO form across sites.</summary>
    private async Task OpenFromHerokuAsync(IPage page, Guid id, string product)
    {
        await page.GotoAsync(new Uri(_heroku.BaseAddress, $"/_sso/{id}?product={product}").ToString());
        try { await page.WaitForURLAsync(url => url.StartsWith($"{_appBase}/dashboard/{id}/", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 15_000 }); }
        catch (TimeoutException)
        {
            var text = await page.InnerTextAsync("body");
            Assert.Fail($"SSO did not open the dashboard of {id}; the browser is at {page.Url}: {text.Replace("\n", " ")[..Math.Min(600, text.Length)]}");
        }
    }

    private static async Task LandsOnAsync(IPage page, string url)
    {
        try { await page.WaitForURLAsync(u => u == url, new PageWaitForURLOptions { Timeout = 15_000 }); }
        catch (TimeoutException) { Assert.Fail($"expected to land on {url} after SSO; the browser is at {page.Url}"); }
    }

    [Fact]
    public async Task ADeepLinkOpenedWithoutASession_LandsOnItsPageAfterHerokuSso_AlsoFromAnotherResourcesSession()
    {
        var (other, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var page = await NewPageAsync();
        var deepLink = $"/dashboard/{id}/kafka/rotate?from=advisory";

        // Without any session: the sign-in page, pointing at Heroku.
        var first = await page.GotoAsync(_appBase + deepLink);
        Assert.Equal(401, first!.Status);
        Assert.Contains(DeepLinks.SignInMessage, await page.ContentAsync());
        await OpenFromHerokuAsync(page, id, "kafkacluster");
        await LandsOnAsync(page, _appBase + deepLink);
        Assert.Contains("Rotate", await page.InnerTextAsync("h1"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == DeepLinks.CookieName);

        // Signed in to another resource: the link still leads through Heroku to its page.
        await OpenFromHerokuAsync(page, other, "mobiloud");
        var elsewhere = await page.GotoAsync(_appBase + deepLink);
        Assert.Equal(404, elsewhere!.Status);
        Assert.Contains(DeepLinks.SignInMessage, await page.ContentAsync());
        await OpenFromHerokuAsync(page, id, "kafkacluster");
        await LandsOnAsync(page, _appBase + deepLink);
        await BrowserFixture.ScreenshotAsync(page, "deep-link-after-sso");
    }

    [Fact]
    public async Task AReturnPathOutsideTheResource_LandsOnTheDashboardHomeInstead()
    {
        var (other, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        Func<Guid, string>[] outside =
        [
            id => $"/dashboard/{other}/kafka/rotate", id => "//evil.example/x", id => "https://evil.example/", id => $"/dashboard/{id}/../{other}/kafka",
            id => $"/dashboard/{id}/..%2F{other}/kafka", id => $"/dashboard/{id}\\..\\{other}", id => "/admin/resources", id => $"/dashboard/{id}//evil.example",
        ];
        foreach (var path in outside)
        {
            // A resource per case: the simulator signs SSO forms per second, and a form may open one session only, so the
            // same resource opened twice within a second would be refused as a replay.
            var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
            var value = path(id);
            var page = await NewPageAsync();
            await page.Context.AddCookiesAsync([new Cookie { Name = DeepLinks.CookieName, Value = Uri.EscapeDataString(value), Url = _appBase }]);
            await OpenFromHerokuAsync(page, id, "kafkacluster");
            await LandsOnAsync(page, $"{_appBase}/dashboard/{id}/kafka");
            Assert.True(page.Url == $"{_appBase}/dashboard/{id}/kafka", $"return path {value} led to {page.Url}");
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == DeepLinks.CookieName);
            await page.Context.CloseAsync();
        }
    }
}
