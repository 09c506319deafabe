using System.Text.Json;
using System.Text.RegularExpressions;
using AddonProvider.Tests.Dashboard;
using AddonProvider.Web.MobiLoud;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

/// <summary>The MobiLoud dashboard as the seed describes it, driven in Chromium: tab order, website URL, graphics, auto-save status.</summary>
public sealed class MobiLoudBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private static readonly AppTab[] ThreeTabs =
    [
        new("home", "Home", "https://shop.example.com/"), new("cart", "Cart", "https://shop.example.com/cart"),
        new("user", "Account", "https://shop.example.com/account"),
    ];

    private async Task<(Guid Id, IPage Page)> MobiLoudAsync(string plan = "starter", AppTab[]? tabs = null)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", plan);
        var page = await app.SignedInPageAsync(id, "mobiloud");
        await page.FillAsync("#website_url", "https://shop.example.com");
        await page.ClickAsync("button[type=submit]:has-text('Continue')");
        await page.WaitForURLAsync(url => url.EndsWith("/mobiloud/menu", StringComparison.Ordinal));
        if (tabs is not null)
        {
            await using var db = app.Db();
            var row = await db.MobiLoudApps.SingleAsync(a => a.ResourceId == id);
            var config = AppConfig.FromJson(row.ConfigJson);
            row.ConfigJson = (config with { Menu = config.Menu with { Tabs = [.. tabs] } }).ToJson();
            await db.SaveChangesAsync();
            await page.ReloadAsync();
        }
        return (id, page);
    }

    private async Task<string[]> StoredTabLabelsAsync(Guid id)
    {
        await using var db = app.Db();
        return AppConfig.FromJson((await db.MobiLoudApps.SingleAsync(a => a.ResourceId == id)).ConfigJson).Menu.Tabs.Select(t => t.Label).ToArray();
    }

    [Fact]
    public async Task Tabs_DraggedByTheHandle_AreSavedInTheNewOrder_AndAStalePageIsRefused()
    {
        var (id, page) = await MobiLoudAsync(tabs: ThreeTabs);
        await page.DragAndDropAsync("#tabs li:nth-child(1) .handle", "#tabs li:nth-child(3)");
        Assert.Equal("Moved Home to position 3 of 3. Select Save to keep this order.", await page.InnerTextAsync("#reorder-status"));
        Assert.Equal(["Cart", "Account", "Home"], await page.Locator("#tabs li[data-filled] input[name^=tab_label_]").EvaluateAllAsync<string[]>("xs => xs.map(x => x.value)"));
        Assert.Equal(["Home", "Cart", "Account"], await StoredTabLabelsAsync(id)); // nothing is saved before Save

        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync(".saved");
        Assert.Equal(["Cart", "Account", "Home"], await StoredTabLabelsAsync(id));
        Assert.Equal(["Cart", "Account", "Home"], await page.Locator("#preview .tab").AllInnerTextsAsync());
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-tabs-reordered");

        // Another window saves; this page's drag is then refused as stale, and the stored order stays the other window's.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync(page.Url);
        await other.FillAsync("input[name=tab_label_0]", "Basket");
        await other.ClickAsync("#save");
        await other.WaitForSelectorAsync(".saved");
        await page.DragAndDropAsync("#tabs li:nth-child(3) .handle", "#tabs li:nth-child(1)");
        await page.ClickAsync("#save");
        Assert.Contains(AppStore.StaleMessage, await page.InnerTextAsync(".errors"));
        Assert.Equal(["Basket", "Account", "Home"], await StoredTabLabelsAsync(id));
    }

    [Fact]
    public async Task Tabs_MovedWithTheKeyboardAlone_AreAnnouncedAndSaved()
    {
        var (id, page) = await MobiLoudAsync(tabs: ThreeTabs);
        await page.FocusAsync("input[name=tab_url_0]");
        await page.Keyboard.PressAsync("Tab"); // from the first tab's URL to its "Move Home up" button
        Assert.Equal("Move Home up", await page.EvaluateAsync<string>("document.activeElement.getAttribute('aria-label')"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Move Home down", await page.EvaluateAsync<string>("document.activeElement.getAttribute('aria-label')"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("Moved Home to position 2 of 3. Select Save to keep this order.", await page.InnerTextAsync("#reorder-status"));
        Assert.Equal("status", await page.GetAttributeAsync("#reorder-status", "role"));
        await page.Keyboard.PressAsync("Enter"); // focus stayed on the button, which moved with its row
        Assert.Equal("Moved Home to position 3 of 3. Select Save to keep this order.", await page.InnerTextAsync("#reorder-status"));
        Assert.Equal("true", await page.EvaluateAsync<string>("document.activeElement.getAttribute('aria-disabled')"));

        // Enter in a text field submits with the form's first button, which is Save.
        await page.FocusAsync("#main_url");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync(".saved");
        Assert.Equal(["Cart", "Account", "Home"], await StoredTabLabelsAsync(id));
    }

    [Fact]
    public async Task WebsiteUrl_ChangedInSettings_IsSaved_AndAnInvalidOneIsRefused()
    {
        var (id, page) = await MobiLoudAsync();
        await page.ClickAsync("nav.sections a:has-text('Settings')");
        Assert.Equal("https://shop.example.com", await page.InputValueAsync("#website_url"));

        await page.FillAsync("#website_url", "ftp://shop.example.com");
        await page.ClickAsync("#save");
        Assert.Contains(MobiLoudEndpoints.WebsiteUrlError, await page.InnerTextAsync(".errors"));
        Assert.Equal("ftp://shop.example.com", await page.InputValueAsync("#website_url")); // the input comes back to fix
        await using (var db = app.Db())
            Assert.Equal("https://shop.example.com", (await db.MobiLoudApps.SingleAsync(a => a.ResourceId == id)).WebsiteUrl);

        await page.FillAsync("#website_url", "https://www.new-shop.example.com");
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync(".saved");
        Assert.Equal("https://www.new-shop.example.com", await page.InputValueAsync("#website_url"));
        await using (var db = app.Db())
            Assert.Equal("https://www.new-shop.example.com", (await db.MobiLoudApps.SingleAsync(a => a.ResourceId == id)).WebsiteUrl);
    }

    private static async Task StartSubmissionAsync(IPage page)
    {
        await page.ClickAsync("nav.sections a:has-text('Publish')");
        await page.ClickAsync("#start-submission");
        await page.WaitForSelectorAsync("#publish-form");
    }

    private async Task<int> GraphicsRowsAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.MobiLoudGraphics.CountAsync(g => g.ResourceId == id);
    }

    [Fact]
    public async Task Logo_AValidPngIsStoredAndServedByUs_AndANonImageATooLargeFileAndWrongDimensionsAreRefused()
    {
        var (id, page) = await MobiLoudAsync();
        await StartSubmissionAsync(page);

        async Task<string> UploadAsync(string name, string mime, byte[] bytes)
        {
            await page.SetInputFilesAsync("#icon-file", new FilePayload { Name = name, MimeType = mime, Buffer = bytes });
            await page.EvaluateAsync("document.body.dataset.before = 'upload'"); // gone once the answer's page has loaded
            await page.ClickAsync("#upload-icon-button");
            await page.WaitForFunctionAsync("() => !document.body.dataset.before && document.querySelector('.errors, #uploaded') !== null");
            return await page.Locator(".errors, #uploaded").First.InnerTextAsync();
        }

        var notImage = await UploadAsync("logo.png", "image/png", "this is a text file, not a picture"u8.ToArray());
        Assert.Contains("The file for the app icon is not a PNG image", notImage);
        Assert.Equal(0, await GraphicsRowsAsync(id));

        var tooLarge = await UploadAsync("logo.png", "image/png", TestImages.PaddedTo(TestImages.Png(1024, 1024), 1_200_000));
        Assert.Contains("The app icon is 1.14 MB; it must be at most 1 MB (1,048,576 bytes). Nothing was saved.", tooLarge);
        Assert.Equal(0, await GraphicsRowsAsync(id));

        var wrongSize = await UploadAsync("logo.png", "image/png", TestImages.Png(512, 512));
        Assert.Contains("The app icon must be exactly 1024×1024 pixels; this image is 512×512.", wrongSize);
        var jpeg = await UploadAsync("logo.jpg", "image/jpeg", TestImages.JpegHeader(1024, 1024));
        Assert.Contains("The app icon must be a PNG; this file is a JPEG.", jpeg);
        Assert.Equal(0, await GraphicsRowsAsync(id));
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-publish-upload-refused");

        var logo = TestImages.Png(1024, 1024);
        Assert.Contains("App icon uploaded.", await UploadAsync("logo.png", "image/png", logo));
        await using (var db = app.Db())
        {
            var row = await db.MobiLoudGraphics.SingleAsync(g => g.ResourceId == id);
            Assert.Equal(("icon", "image/png", 1024, 1024), (row.Kind, row.ContentType, row.Width, row.Height));
            Assert.Equal(logo, row.Bytes);
        }
        // Shown from our own route, with the type we read from the bytes, never sniffed.
        var src = await page.GetAttributeAsync("#graphic-icon img", "src");
        Assert.StartsWith($"/dashboard/{id}/mobiloud/publish/graphics/icon", src);
        Assert.True(await page.EvaluateAsync<bool>("document.querySelector('#graphic-icon img').naturalWidth === 1024"));
        var served = await page.Context.APIRequest.GetAsync(new Uri(new Uri(page.Url), src).ToString());
        Assert.Equal(200, served.Status);
        Assert.Equal("image/png", served.Headers["content-type"]);
        Assert.Equal("nosniff", served.Headers["x-content-type-options"]);
        Assert.Equal(logo, await served.BodyAsync());
        await BrowserFixture.ScreenshotAsync(page, "mobiloud-publish-logo");
    }

    [Fact]
    public async Task AutoSave_SavesWhatWasTypedBeforeTheScriptLoaded()
    {
        var (id, page) = await MobiLoudAsync();
        await StartSubmissionAsync(page);
        // publish.js is deferred: on a slow connection the form is there, and typed into, before it runs.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/assets/publish.js", async route => { await release.Task; await route.ContinueAsync(); });
        // Not DOMContentLoaded: that waits for deferred scripts. The form is parsed and usable before.
        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Commit });
        await page.FillAsync("#contact_name", "Grace Hopper");
        Assert.NotEqual("complete", await page.EvaluateAsync<string>("document.readyState")); // publish.js is still held back
        release.SetResult();

        await page.WaitForSelectorAsync("#draft-announce:text-is('Saved.')", new PageWaitForSelectorOptions { Timeout = 20_000 });
        await using var db = app.Db();
        var form = JsonSerializer.Deserialize<Dictionary<string, string>>((await db.MobiLoudSubmissions.SingleAsync(s => s.ResourceId == id)).FormJson)!;
        Assert.Equal("Grace Hopper", form["contact_name"]);
    }

    [Fact]
    public async Task AutoSave_AfterAChange_SaysSavedSecondsAgo_AndTellsScreenReaders()
    {
        var (id, page) = await MobiLoudAsync();
        await StartSubmissionAsync(page);
        Assert.Equal("status", await page.GetAttributeAsync("#draft-announce", "role"));
        await page.FillAsync("#contact_name", "Ada Lovelace");
        await page.WaitForSelectorAsync("#draft-announce:text-is('Saved.')", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Matches(new Regex(@"^Saved \d+ s ago$"), await page.InnerTextAsync("#draft-status"));
        await using (var db = app.Db())
        {
            var form = JsonSerializer.Deserialize<Dictionary<string, string>>((await db.MobiLoudSubmissions.SingleAsync(s => s.ResourceId == id)).FormJson)!;
            Assert.Equal("Ada Lovelace", form["contact_name"]);
        }
        // The clock ticks on: a later reading is a later "N s ago".
        var first = int.Parse(Regex.Match(await page.InnerTextAsync("#draft-status"), @"\d+").Value);
        await page.WaitForFunctionAsync($"() => /^Saved (\\d+) s ago$/.test(document.getElementById('draft-status').textContent) && parseInt(document.getElementById('draft-status').textContent.match(/\\d+/)[0]) > {first}");

        // Another window submits; this page's next auto-save says it was not saved, and why.
        await using (var db = app.Db())
            await db.MobiLoudSubmissions.Where(s => s.ResourceId == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, AddonProvider.Data.Entities.SubmissionStatus.Submitted));
        await page.FillAsync("#app_name", "Ada's Shop");
        await page.WaitForSelectorAsync("#draft-status:has-text('Not saved:')", new PageWaitForSelectorOptions { Timeout = 12_000 });
        Assert.Equal("Not saved: " + PublishingService.AlreadySubmitted, await page.InnerTextAsync("#draft-status"));
        Assert.Equal("Not saved: " + PublishingService.AlreadySubmitted, await page.InnerTextAsync("#draft-announce"));
    }

    [Fact]
    public async Task SubmittedRequest_SaysItCannotBeEdited_AndShowsTheSupportContact()
    {
        var (id, page) = await MobiLoudAsync();
        await StartSubmissionAsync(page);
        await using (var db = app.Db())
            await db.MobiLoudSubmissions.Where(s => s.ResourceId == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, AddonProvider.Data.Entities.SubmissionStatus.Submitted).SetProperty(x => x.SubmittedAt, DateTime.UtcNow));
        await page.ReloadAsync();
        var text = await page.InnerTextAsync("#submitted");
        Assert.Contains("A submitted request cannot be edited.", text);
        Assert.Equal($"mailto:{PublishEndpoints.SupportEmail}", (await page.GetAttributeAsync("#submitted a", "href"))!.Split('?')[0]);
        Assert.Equal(0, await page.Locator("#icon-file").CountAsync());
        Assert.True(await page.IsDisabledAsync("#contact_name"));
    }
}
