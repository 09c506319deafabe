using AddonProvider.Web.MobiLoud;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

public sealed class DashboardBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private async Task<(Guid Id, IPage Page)> MobiLoudAsync(string plan)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", plan);
        var page = await app.SignedInPageAsync(id, "mobiloud");
        await page.FillAsync("#website_url", "https://shop.example.com");
        await page.ClickAsync("button[type=submit]:has-text('Continue')");
        await page.WaitForURLAsync(url => url.EndsWith("/mobiloud/menu", StringComparison.Ordinal));
        return (id, page);
    }

    [Fact]
    public async Task SsoLogin_ThenColorsEdited_PreviewShowsTheNewColor()
    {
        var (_, page) = await MobiLoudAsync("starter");
        Assert.Equal(1, await page.Locator("div#heroku-header").CountAsync());
        Assert.Equal(1, await page.Locator("script[src*=boomerang]").CountAsync());

        await page.ClickAsync("nav.sections a:has-text('Colors')");
        await page.FillAsync("#tab_bar_background", "#ff5733");
        // The save is a form post: wait for the page it leads to, not for a ".saved" the old page may still show.
        var posted = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.Contains("/mobiloud/colors", StringComparison.Ordinal));
        await page.ClickAsync("#save");
        await posted;
        await page.WaitForLoadStateAsync(LoadState.Load);
        await page.WaitForSelectorAsync(".saved");
        await page.WaitForSelectorAsync("#preview .tabbar");

        var background = await page.EvalOnSelectorAsync<string>("#preview .tabbar", "e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(255, 87, 51)", background);
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-colors-preview");
    }

    [Fact]
    public async Task AdvancedJson_Invalid_ShowsTheErrorAndTheStoredConfigIsUnchanged()
    {
        var (id, page) = await MobiLoudAsync("starter");
        string before;
        await using (var db = app.Db()) before = (await db.MobiLoudApps.SingleAsync(a => a.ResourceId == id)).ConfigJson;

        await page.ClickAsync("nav.sections a:has-text('Advanced')");
        await page.FillAsync("#json", "{\"menu\": {\"mainUrl\": ");
        await page.ClickAsync("#save");
        var error = await page.Locator(".errors").InnerTextAsync();
        Assert.Contains("not valid JSON", error);
        Assert.Equal("{\"menu\": {\"mainUrl\": ", await page.InputValueAsync("#json")); // the customer's text is kept
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-advanced-invalid");

        await using var check = app.Db();
        Assert.Equal(before, (await check.MobiLoudApps.SingleAsync(a => a.ResourceId == id)).ConfigJson);
    }

    [Fact]
    public async Task PublishDraft_SurvivesAReloadAfterTheFiveSecondAutoSave()
    {
        var (id, page) = await MobiLoudAsync("starter");
        await page.ClickAsync("nav.sections a:has-text('Publish')");
        await page.ClickAsync("#start-submission");
        await page.FillAsync("#contact_name", "Ada Lovelace");
        await page.FillAsync("#app_name", "Ada's Shop");
        await page.WaitForSelectorAsync("#draft-announce:text-is('Saved.')", new PageWaitForSelectorOptions { Timeout = 30_000 });

        await page.ReloadAsync();
        Assert.Equal("Ada Lovelace", await page.InputValueAsync("#contact_name"));
        Assert.Equal("Ada's Shop", await page.InputValueAsync("#app_name"));
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-publish-draft");
        await using var db = app.Db();
        Assert.Contains("Ada Lovelace", (await db.MobiLoudSubmissions.SingleAsync(s => s.ResourceId == id)).FormJson);
    }

    [Fact]
    public async Task TestPlanCustomer_SeesTheUpgradePrompt()
    {
        var (_, page) = await MobiLoudAsync("test");
        await page.ClickAsync("nav.sections a:has-text('Publish')");
        Assert.Contains(PublishEndpoints.UpgradeMessage, await page.Locator("#upgrade-prompt").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#publish-form").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-upgrade-prompt");
    }

    [Fact]
    public async Task KafkaTopic_CreatedInTheUi_IsListed()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var page = await app.SignedInPageAsync(id, "kafkacluster");
        await page.FillAsync("#topic-name", "orders.v1");
        await page.FillAsync("#topic-partitions", "3");
        await page.ClickAsync("#create-topic button[type=submit]");
        await page.WaitForSelectorAsync("tr.topic td.name:has-text('orders.v1')");
        Assert.Equal([$"{id:N}.orders.v1"], await page.Locator("tr.topic td.name").AllInnerTextsAsync());
        await BrowserFixture.ScreenshotAsync(page, "kafka-topic-created");
    }
}
