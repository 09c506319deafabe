using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

/// <summary>The operators' pages in a real browser, under their content security policy.</summary>
public sealed class AdminJobsBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task JobsDashboard_AfterTheTokenSignIn_LoadsWithoutAnyCspViolation()
    {
        await using var context = await app.Browser.NewContextAsync();
        await context.RouteAsync(url => !url.StartsWith(app.BaseAddress.ToString(), StringComparison.Ordinal), route => route.AbortAsync());
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                problems.Add($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        // Violations also reach the page as events, which catch what the console may word differently.
        await page.AddInitScriptAsync("""
            window.__csp = [];
            document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
            """);

        await page.GotoAsync(new Uri(app.BaseAddress, "/admin/login").ToString());
        await page.FillAsync("#t", AppFixture.Token(AdminRoles.Operator));
        await page.ClickAsync("button");
        await page.WaitForURLAsync(url => url.Contains(AdminSessionEndpoints.DashboardPath, StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // Hangfire's scripts ran: its navigation and the live stats it polls are on the page.
        await page.WaitForSelectorAsync(".navbar");
        Assert.Contains("AddonProvider jobs", await page.TitleAsync());
        var succeeded = await page.GotoAsync(new Uri(app.BaseAddress, AdminSessionEndpoints.DashboardPath + "/jobs/succeeded").ToString());
        // The pages really run under the operators' policy (so a clean console means it fits Hangfire).
        Assert.Contains("script-src 'self';", await succeeded!.HeaderValueAsync("content-security-policy") ?? "");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var violations = await page.EvaluateAsync<string[]>("() => window.__csp");
        await BrowserFixture.ScreenshotAsync(page, "admin-jobs-dashboard");
        Assert.True(violations.Length == 0 && problems.Count == 0,
            $"CSP violations: [{string.Join("; ", violations)}]; console: [{string.Join("; ", problems)}]");
    }
}
