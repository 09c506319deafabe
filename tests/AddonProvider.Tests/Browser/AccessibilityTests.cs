using System.Net;
using System.Text;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

/// <summary>
/// axe-core (Deque.AxeCore.Playwright) over every customer page, at a wide and a phone-sized viewport: no critical or
/// serious violation, and none of <see cref="AlwaysRefused"/>. Only Heroku's nav header is left out (boomerang draws it).
/// Each page is also photographed at both widths into artifacts/screenshots/.
/// The operators' console adds its pages by calling <see cref="ScanAsync"/> with its own signed-in page and a list of paths.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    /// <summary>Refused whatever impact axe gives them.</summary>
    public static readonly string[] AlwaysRefused = ["empty-table-header", "heading-order", "label", "scrollable-region-focusable"];

    public static readonly int[] Widths = [1400, 390];

    public sealed record PageToScan(string Name, string Path);

    /// <summary>
    /// Opens each path on <paramref name="page"/> (signed in already), at every width, runs axe and takes the screenshots.
    /// Returns one line per violation; an empty list is a pass.
    /// </summary>
    /// <param name="sideways">also fail a page that scrolls sideways at a phone's width</param>
    public static async Task<List<string>> ScanAsync(IPage page, IEnumerable<PageToScan> pages, Func<IPage, Task>? afterLoad = null, bool sideways = true)
    {
        var problems = new List<string>();
        foreach (var p in pages)
        {
            await page.GotoAsync(new Uri(new Uri(page.Url), p.Path).ToString());
            if (afterLoad is not null) await afterLoad(page);
            foreach (var width in Widths)
            {
                await page.SetViewportSizeAsync(width, 900);
                problems.AddRange((await ViolationsAsync(page)).Select(v => $"{p.Name} @{width}px: {v}"));
                if (sideways) problems.AddRange((await OverflowAsync(page)).Select(v => $"{p.Name} @{width}px: {v}"));
                await BrowserFixture.ScreenshotAsync(page, $"{p.Name}-{width}");
            }
            await page.SetViewportSizeAsync(NarrowestWidth, 800);
            if (sideways) problems.AddRange((await OverflowAsync(page)).Select(v => $"{p.Name} @{NarrowestWidth}px: {v}"));
        }
        return problems;
    }

    /// <summary>The narrowest layout the pages must hold without scrolling sideways.</summary>
    public const int NarrowestWidth = 360;

    /// <summary>A page wider than the window makes a phone user scroll sideways: named with the widest offending element.</summary>
    public static async Task<List<string>> OverflowAsync(IPage page)
    {
        var found = await page.EvaluateAsync<string?>("""
            () => {
              const w = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth <= w) return null;
              let worst = null;
              for (const e of document.querySelectorAll('body *')) {
                const r = e.getBoundingClientRect();
                if (r.right > w + 1 && (!worst || r.right > worst.r)) worst = { r: r.right, d: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') };
              }
              return `horizontal overflow: page ${document.documentElement.scrollWidth}px in a ${w}px window` + (worst ? `, widest ${worst.d}` : '');
            }
            """);
        return found is null ? [] : [found];
    }

    public static async Task<List<string>> ViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunContext { Exclude = [new AxeSelector("#heroku-header")] });
        return result.Violations
            .Where(v => v.Impact is "critical" or "serious" || AlwaysRefused.Contains(v.Id))
            .Select(v => $"{v.Id} ({v.Impact}) on {string.Join(" | ", v.Nodes.Take(4).Select(n => n.Html.Length > 140 ? n.Html[..140] + "…" : n.Html))}{(v.Nodes.Count() > 4 ? $" and {v.Nodes.Count() - 4} more" : "")}")
            .ToList();
    }

    private static void AssertClean(List<string> problems) =>
        Assert.True(problems.Count == 0, $"{problems.Count} accessibility violations:\n" + string.Join("\n", problems));

    private async Task<IPage> MobiLoudWithWebsiteAsync(Guid id)
    {
        var page = await app.SignedInPageAsync(id, "mobiloud");
        await page.FillAsync("#website_url", "https://shop.example.com");
        await page.ClickAsync("button[type=submit]:has-text('Continue')");
        await page.WaitForURLAsync(url => url.EndsWith("/mobiloud/menu", StringComparison.Ordinal));
        return page;
    }

    [Fact]
    public async Task MobiLoudPages_HaveNoSeriousAccessibilityViolations()
    {
        var (first, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var page = await app.SignedInPageAsync(first, "mobiloud");
        var problems = await ScanAsync(page, [new("mobiloud-website", $"/dashboard/{first}/mobiloud")]);

        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        page = await MobiLoudWithWebsiteAsync(id);
        var m = $"/dashboard/{id}/mobiloud";
        problems.AddRange(await ScanAsync(page, [
            new("mobiloud-menu", $"{m}/menu"), new("mobiloud-colors", $"{m}/colors"), new("mobiloud-notifications", $"{m}/notifications"),
            new("mobiloud-settings", $"{m}/settings"), new("mobiloud-advanced", $"{m}/advanced"), new("mobiloud-preview", $"{m}/preview"),
            new("mobiloud-publish-start", $"{m}/publish")]));

        // The publishing form with a draft, then the same request submitted.
        if (await page.Locator("#start-submission").CountAsync() > 0) await page.ClickAsync("#start-submission");
        await page.FillAsync("#contact_name", "Ada Lovelace");
        await page.WaitForSelectorAsync("#draft-announce:text-is('Saved.')", new PageWaitForSelectorOptions { Timeout = 30_000 });
        problems.AddRange(await ScanAsync(page, [new("mobiloud-publish-form", $"{m}/publish")]));
        await using (var db = app.Db())
        {
            await db.MobiLoudSubmissions.Where(s => s.ResourceId == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SubmissionStatus.Submitted).SetProperty(x => x.SubmittedAt, DateTime.UtcNow)
                .SetProperty(x => x.OperatorsNotifiedAt, DateTime.UtcNow));
        }
        problems.AddRange(await ScanAsync(page, [new("mobiloud-publish-submitted", $"{m}/publish")]));

        var (free, _) = await app.ProvisionOkAsync("mobiloud", "test");
        page = await MobiLoudWithWebsiteAsync(free);
        problems.AddRange(await ScanAsync(page, [new("mobiloud-upgrade", $"/dashboard/{free}/mobiloud/publish")]));
        AssertClean(problems);
    }

    [Fact]
    public async Task KafkaClusterPages_HaveNoSeriousAccessibilityViolations()
    {
        var (empty, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var page = await app.SignedInPageAsync(empty, "kafkacluster");
        var problems = await ScanAsync(page, [new("kafka-empty", $"/dashboard/{empty}/kafka")]);

        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        page = await app.SignedInPageAsync(id, "kafkacluster");
        await page.FillAsync("#topic-name", "orders.v1");
        await page.ClickAsync("#create-topic button[type=submit]");
        await page.WaitForSelectorAsync("tr.topic");
        await page.FillAsync("input[name=group]", "billing");
        await page.ClickAsync("#groups button:has-text('Create group')");
        await page.WaitForSelectorAsync("li.group");
        problems.AddRange(await ScanAsync(page, [new("kafka", $"/dashboard/{id}/kafka"), new("kafka-rotate", $"/dashboard/{id}/kafka/rotate")]));
        AssertClean(problems);
    }

    [Fact]
    public async Task InferencePages_HaveNoSeriousAccessibilityViolations()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var page = await app.SignedInPageAsync(id, "inference");
        var problems = await ScanAsync(page, [new("inference", $"/dashboard/{id}/inference"), new("inference-rotate", $"/dashboard/{id}/inference/rotate")]);
        AssertClean(problems);
    }

    [Fact]
    public async Task SecurityPagesAndBanner_HaveNoSeriousAccessibilityViolations()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", new
        {
            title = "Broker auth bypass", severity = "high", cveIds = new[] { "CVE-2026-12345" },
            summary = "A flaw let unauthenticated clients read topics.", assessment = "Check your broker logs for ANONYMOUS logins.",
            mitigation = "Rotate your credentials from the dashboard.", links = new[] { "https://example.com/advisory" },
            affected = new { resourceIds = new[] { id } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var advisory = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        using (var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{advisory}/publish"))
            Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        await Eventually(async () => { await using var db = app.Db(); return await db.AdvisoryTargets.AnyAsync(t => t.AdvisoryId == advisory); },
            because: "the worker to resolve the advisory's targets");

        var page = await app.SignedInPageAsync(id, "kafkacluster");
        var problems = await ScanAsync(page, [
            new("security-banner", $"/dashboard/{id}/kafka"), new("security-advisory", $"/dashboard/{id}/security/advisories/{advisory}"),
            new("security-report", $"/dashboard/{id}/security/report")]);
        await page.FillAsync("#report-text", "The broker accepts an empty password.");
        await page.ClickAsync("#report-form button[type=submit]");
        await page.WaitForSelectorAsync("#report-received");
        problems.AddRange(await ScanAsync(page, [new("security-report-received", new Uri(page.Url).PathAndQuery)]));
        AssertClean(problems);
    }

    /// <summary>The operators' console's pages (they share dashboard.css); add new console paths to this list.</summary>
    public static PageToScan[] ConsolePages(Guid resourceId) =>
    [
        new("console-resources", "/console/resources"), new("console-resource", $"/console/resources/{resourceId}"),
        new("console-resources-filtered", "/console/resources?product=nothing-matches"),
        new("console-advisories", "/console/advisories"), new("console-advisory-new", "/console/advisories/new"),
        new("console-security-reports", "/console/security-reports"), new("console-mobiloud-submissions", "/console/mobiloud"),
    ];

    [Fact]
    public async Task ConsolePages_HaveNoSeriousAccessibilityViolations()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var page = await app.IsolatedPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/console").ToString());
        await page.WaitForURLAsync(url => url.Contains("/console/sign-in", StringComparison.Ordinal));
        var problems = await ScanAsync(page, [new("console-sign-in", "/console/sign-in")]);
        await page.FillAsync("#token", AppFixture.Token(AddonProvider.Web.Admin.AdminRoles.Operator, AddonProvider.Web.Admin.AdminRoles.Security));
        await page.ClickAsync("#sign-in button");
        await page.WaitForURLAsync(url => url.EndsWith("/console/resources", StringComparison.Ordinal));
        problems.AddRange(await ScanAsync(page, ConsolePages(id)));
        AssertClean(problems);
    }

    [Fact]
    public async Task SignInErrorPages_HaveNoSeriousAccessibilityViolations()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var context = await app.Browser.NewContextAsync();
        await context.RouteAsync(url => !url.StartsWith(app.BaseAddress.ToString(), StringComparison.Ordinal), route => route.AbortAsync());
        var page = await context.NewPageAsync();
        var form = app.SsoForm(id, "inference");
        form["user_scoped_resource_token"] = new string('0', 40);
        var fields = new StringBuilder();
        foreach (var (k, v) in form) fields.Append($"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(k)}\" value=\"{WebUtility.HtmlEncode(v)}\">");
        await page.SetContentAsync($"<form method=\"post\" action=\"{new Uri(app.BaseAddress, "/sso/login")}\">{fields}<button id=\"go\">Open</button></form>");
        await page.ClickAsync("#go");
        await page.WaitForURLAsync(url => url.Contains("/sso/login", StringComparison.Ordinal));
        Assert.Contains("Sign-in refused", await page.TitleAsync());
        var problems = new List<string>();
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            problems.AddRange((await ViolationsAsync(page)).Select(v => $"sign-in-refused @{width}px: {v}"));
            await BrowserFixture.ScreenshotAsync(page, $"sign-in-refused-{width}");
        }
        problems.AddRange(await ScanAsync(page, [new("not-signed-in", $"/dashboard/{id}/inference")]));

        var signedIn = await app.SignedInPageAsync(id, "inference");
        await signedIn.ClickAsync("header.top button:has-text('Sign out')");
        await signedIn.WaitForSelectorAsync("text=You are signed out");
        foreach (var width in Widths)
        {
            await signedIn.SetViewportSizeAsync(width, 900);
            problems.AddRange((await ViolationsAsync(signedIn)).Select(v => $"signed-out @{width}px: {v}"));
            await BrowserFixture.ScreenshotAsync(signedIn, $"signed-out-{width}");
        }
        AssertClean(problems);
    }
}
