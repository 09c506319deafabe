using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

/// <summary>
/// The app plus Debian's Chromium driven by Playwright (never `playwright install`: the browser comes from apt, see
/// dev.sh). Screenshots go to artifacts/screenshots at the repository root (git-ignored).
/// </summary>
public class BrowserFixture : AppFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: `apt-get install -y chromium` (./dev.sh test does this).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A fresh browser page signed in to the resource the way Heroku does it: a form POST from another origin.</summary>
    public async Task<IPage> SignedInPageAsync(Guid resourceId, string product)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // No internet here: Heroku's boomerang script and customers' sites would only time out.
        await context.RouteAsync(url => !url.StartsWith(BaseAddress.ToString(), StringComparison.Ordinal), route => route.AbortAsync());
        var page = await context.NewPageAsync();
        var fields = string.Concat(SsoForm(resourceId, product).Select(f =>
            $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(f.Key)}\" value=\"{WebUtility.HtmlEncode(f.Value)}\">"));
        await page.SetContentAsync($"<form method=\"post\" action=\"{new Uri(BaseAddress, "/sso/login")}\">{fields}<button id=\"go\">Open</button></form>");
        await page.ClickAsync("#go");
        await page.WaitForURLAsync(url => url.Contains($"/dashboard/{resourceId}", StringComparison.Ordinal));
        return page;
    }

    /// <summary>A fresh browser page that reaches only this app (no internet here), failing the test on any CSP violation it records.</summary>
    public async Task<IPage> IsolatedPageAsync(IBrowserContext? context = null, params string[] alsoAllowed)
    {
        context ??= await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await context.RouteAsync(url => !url.StartsWith(BaseAddress.ToString(), StringComparison.Ordinal) && !alsoAllowed.Any(a => url.StartsWith(a, StringComparison.Ordinal)),
            route => route.AbortAsync());
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync("""
            window.__csp = [];
            document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        return page;
    }

    public static async Task AssertNoCspViolationsAsync(IPage page)
    {
        var violations = await page.EvaluateAsync<string[]>("() => window.__csp || []");
        Assert.True(violations.Length == 0, $"CSP violations: [{string.Join("; ", violations)}]");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AddonProvider.sln"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
