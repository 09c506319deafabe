using AddonProvider.Tests.Admin;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

public sealed class ConsoleSignInBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task PastedToken_SignsIn_ShowsResources_AndSignsOut()
    {
        await app.ProvisionOkAsync("mobiloud", "test");
        var page = await app.IsolatedPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/console").ToString());
        await page.WaitForURLAsync(url => url.Contains("/console/sign-in", StringComparison.Ordinal));
        await page.FillAsync("#token", AppFixture.Token(AdminRoles.Operator));
        await BrowserFixture.ScreenshotAsync(page, "console-sign-in");
        await page.ClickAsync("#sign-in button");
        await page.WaitForURLAsync(url => url.EndsWith("/console/resources", StringComparison.Ordinal));
        Assert.Contains("alice (operator)", await page.InnerTextAsync("#operator"));
        Assert.True(await page.Locator("#resources tbody tr").CountAsync() >= 1, "the provisioned resource is listed");
        await BrowserFixture.ScreenshotAsync(page, "console-resources");
        await BrowserFixture.AssertNoCspViolationsAsync(page);

        await page.ClickAsync("#sign-out button");
        await page.WaitForSelectorAsync("#signed-out");
        var response = await page.GotoAsync(new Uri(app.BaseAddress, "/console/resources").ToString());
        Assert.Contains("/console/sign-in", page.Url);
        Assert.NotNull(response);
    }
}

/// <summary>The browser app with the in-test OpenID provider as ADMIN_JWT_AUTHORITY and the console as its client.</summary>
public sealed class OidcBrowserFixture : BrowserFixture
{
    public IdentityProvider Provider { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["role"] = "web",
        ["ADMIN_JWT_AUTHORITY"] = Provider.Issuer,
        ["ADMIN_OIDC_CLIENT_ID"] = OidcFixture.ConsoleClientId,
    };

    public override async Task InitializeAsync()
    {
        await Provider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class ConsoleOidcBrowserTests(OidcBrowserFixture app) : IClassFixture<OidcBrowserFixture>
{
    [Fact]
    public async Task Console_SignsInThroughTheAuthority_WithCodeAndPkce_AndALaxCookie()
    {
        app.Provider.User = ("olivia", AdminRoles.Operator);
        var (verified, refused) = (app.Provider.PkceVerified, app.Provider.PkceRefused);
        var page = await app.IsolatedPageAsync(null, app.Provider.Issuer);
        await page.GotoAsync(new Uri(app.BaseAddress, "/console/resources").ToString());
        // Console → provider's /authorize (PKCE challenge) → callback with a code → token endpoint checks the verifier → console.
        await page.WaitForURLAsync(url => url.EndsWith("/console/resources", StringComparison.Ordinal));
        Assert.Contains("olivia (operator)", await page.InnerTextAsync("#operator"));
        Assert.Equal(verified + 1, app.Provider.PkceVerified);
        Assert.Equal(refused, app.Provider.PkceRefused);
        var cookies = await page.Context.CookiesAsync([app.BaseAddress.ToString() + "console"]);
        var cookie = Assert.Single(cookies, c => c.Name == "addonprovider_console_oidc");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/console", cookie.Path);
        await BrowserFixture.ScreenshotAsync(page, "console-oidc-signed-in");
        await BrowserFixture.AssertNoCspViolationsAsync(page);
    }

    [Fact]
    public async Task SecurityRoleFromTheAuthority_SeesAdvisoriesOnly()
    {
        app.Provider.User = ("sam", AdminRoles.Security);
        var page = await app.IsolatedPageAsync(null, app.Provider.Issuer);
        var response = await page.GotoAsync(new Uri(app.BaseAddress, "/console/resources").ToString());
        await page.WaitForURLAsync(url => url.EndsWith("/console/resources", StringComparison.Ordinal));
        Assert.Equal(403, (await page.ReloadAsync())!.Status);
        Assert.Contains("needs the 'operator' role", await page.InnerTextAsync("main"));
        Assert.NotNull(response);
    }
}
