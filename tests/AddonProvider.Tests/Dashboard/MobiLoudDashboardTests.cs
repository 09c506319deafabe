using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.MobiLoud;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Dashboard;

public sealed class MobiLoudDashboardTests(AppFixture app) : IClassFixture<AppFixture>
{
    internal static Dictionary<string, string> F(params (string, string)[] fields) => fields.ToDictionary(f => f.Item1, f => f.Item2);

    private async Task<(Guid Id, HttpClient Client)> ConfiguredAppAsync(string plan = "starter")
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", plan);
        var client = await app.SsoLoginAsync(id);
        using var r = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", $"/dashboard/{id}/mobiloud/website", F(("website_url", "https://shop.example.com")));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return (id, client);
    }

    private async Task<(MobiLoudApp Row, AppConfig Config)> StoredAsync(Guid id)
    {
        await using var db = app.Db();
        var row = await db.MobiLoudApps.AsNoTracking().SingleAsync(a => a.ResourceId == id);
        return (row, AppConfig.FromJson(row.ConfigJson));
    }

    private static async Task<string> VersionAsync(HttpClient client, string path) =>
        Regex.Match(await client.GetStringAsync(path), "name=\"version\" value=\"(\\d+)\"").Groups[1].Value;

    private static async Task<HttpResponseMessage> SaveAsync(HttpClient client, Guid id, string section, Dictionary<string, string> fields)
    {
        var page = $"/dashboard/{id}/mobiloud/{section}";
        fields.TryAdd("version", await VersionAsync(client, page));
        return await AppFixture.PostFormAsync(client, page, page, fields);
    }

    [Fact]
    public async Task FirstVisit_AsksForTheWebsite_AndRefusesARelativeUrl()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var client = await app.SsoLoginAsync(id);
        var page = await client.GetStringAsync($"/dashboard/{id}/mobiloud");
        Assert.Contains("name=\"website_url\"", page);
        Assert.Contains("boomerang.js", page);

        using var bad = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", $"/dashboard/{id}/mobiloud/website", F(("website_url", "shop.example.com")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("absolute http(s) URL", await bad.Content.ReadAsStringAsync());
        await using var db = app.Db();
        Assert.False(await db.MobiLoudApps.AnyAsync(a => a.ResourceId == id));
    }

    [Fact]
    public async Task Colors_Saved_AreStoredAndShownInThePreview()
    {
        var (id, client) = await ConfiguredAppAsync();
        using var r = await SaveAsync(client, id, "colors", F(("status_bar", "#112233"), ("tab_bar_background", "#445566"), ("active_tab", "#778899"), ("inactive_tab", "#aabbcc")));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var (_, config) = await StoredAsync(id);
        Assert.Equal(new AppColors("#112233", "#445566", "#778899", "#aabbcc"), config.Colors);
        // The preview's colours come from a stylesheet of ours named by the saved colours: the page has no style attribute.
        var html = await client.GetStringAsync($"/dashboard/{id}/mobiloud/colors?saved=1");
        Assert.DoesNotContain("style=", html);
        var sheet = Regex.Match(html, "<link rel=\"stylesheet\" href=\"([^\"]*preview.css[^\"]*)\"").Groups[1].Value;
        Assert.Contains("bar=445566", sheet);
        var css = await client.GetStringAsync(System.Net.WebUtility.HtmlDecode(sheet));
        Assert.Contains("#preview .tabbar { background: #445566; }", css);
        Assert.Contains("#preview .statusbar { background: #112233; }", css);
    }

    [Fact]
    public async Task PreviewStylesheet_TakesOnlySixHexDigitsPerColour()
    {
        var (id, client) = await ConfiguredAppAsync();
        var css = await client.GetStringAsync($"/dashboard/{id}/mobiloud/preview.css?status=112233&bar=%7D%20body%20%7Bdisplay%3Anone&active=GGGGGG&inactive=aabbcc");
        Assert.Equal("#preview .statusbar { background: #112233; }\n#preview .tabbar { background: #000000; }\n" +
            "#preview .tab { color: #aabbcc; }\n#preview .tab.active { color: #000000; }\n", css);
    }

    [Fact]
    public async Task Colors_NotRrggbb_Is422AndNothingSaved()
    {
        var (id, client) = await ConfiguredAppAsync();
        var (before, _) = await StoredAsync(id);
        using var r = await SaveAsync(client, id, "colors", F(("status_bar", "red"), ("tab_bar_background", "#445566"), ("active_tab", "#778899"), ("inactive_tab", "#aabbcc")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("status bar color must be #RRGGBB", await r.Content.ReadAsStringAsync());
        Assert.Equal(before.ConfigJson, (await StoredAsync(id)).Row.ConfigJson);
    }

    [Fact]
    public async Task Menu_TabsAreReorderedAndASixthTabIsRefused()
    {
        var (id, client) = await ConfiguredAppAsync();
        var tabs = F(("main_url", "https://shop.example.com"),
            ("tab_icon_0", "home"), ("tab_label_0", "Home"), ("tab_url_0", "https://shop.example.com"),
            ("tab_icon_1", "cart"), ("tab_label_1", "Cart"), ("tab_url_1", "https://shop.example.com/cart"));
        using var moved = await SaveAsync(client, id, "menu", new(tabs) { ["move"] = "up:1" });
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(["Cart", "Home"], (await StoredAsync(id)).Config.Menu.Tabs.Select(t => t.Label));

        var six = F(("main_url", "https://shop.example.com"));
        for (var i = 0; i < 6; i++) (six[$"tab_icon_{i}"], six[$"tab_label_{i}"], six[$"tab_url_{i}"]) = ("home", $"T{i}", "https://shop.example.com");
        using var tooMany = await SaveAsync(client, id, "menu", six);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.Contains("at most 5 tabs", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(2, (await StoredAsync(id)).Config.Menu.Tabs.Count);
    }

    [Fact]
    public async Task Notifications_DuplicateTagIds_AreRefused()
    {
        var (id, client) = await ConfiguredAppAsync();
        using var r = await SaveAsync(client, id, "notifications", F(("tag_id_0", "news"), ("tag_label_0", "News"), ("tag_id_1", "news"), ("tag_label_1", "Offers")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("used twice", await r.Content.ReadAsStringAsync());
        Assert.Empty((await StoredAsync(id)).Config.Notifications.Tags);
    }

    [Fact]
    public async Task Settings_LabelsAreShownBackEscaped()
    {
        var (id, client) = await ConfiguredAppAsync();
        using var r = await SaveAsync(client, id, "settings", F(("menu_label", "<script>alert(1)</script>"), ("link_label_0", "Privacy \"policy\""), ("link_url_0", "https://shop.example.com/privacy")));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var html = await client.GetStringAsync($"/dashboard/{id}/mobiloud/settings");
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Equal("<script>alert(1)</script>", (await StoredAsync(id)).Config.Settings.MenuLabel);
    }

    [Theory]
    [InlineData("{\"menu\": ", "not valid JSON")]
    [InlineData("{\"menu\":{\"mainUrl\":\"https://a.example.com\",\"tabs\":[]},\"colors\":{\"statusBar\":\"#000000\",\"tabBarBackground\":\"#000000\",\"activeTab\":\"#000000\",\"inactiveTab\":\"#000000\"},\"notifications\":{\"tags\":[]},\"settings\":{\"menuLabel\":\"More\",\"links\":[]},\"extra\":1}", "unknown member")]
    [InlineData("{\"menu\":{\"mainUrl\":\"ftp://a.example.com\",\"tabs\":[]},\"colors\":{\"statusBar\":\"#000000\",\"tabBarBackground\":\"#000000\",\"activeTab\":\"#000000\",\"inactiveTab\":\"#000000\"},\"notifications\":{\"tags\":[]},\"settings\":{\"menuLabel\":\"More\",\"links\":[]}}", "main page URL must be an absolute http(s) URL")]
    public async Task Advanced_InvalidDocument_ShowsWhatIsWrongAndSavesNothing(string json, string message)
    {
        var (id, client) = await ConfiguredAppAsync();
        var (before, _) = await StoredAsync(id);
        using var r = await SaveAsync(client, id, "advanced", F(("json", json)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), await r.Content.ReadAsStringAsync());
        Assert.Equal(before.ConfigJson, (await StoredAsync(id)).Row.ConfigJson);
    }

    [Fact]
    public async Task Advanced_ValidDocument_ReplacesTheConfiguration()
    {
        var (id, client) = await ConfiguredAppAsync();
        var wanted = AppConfig.Default("https://other.example.com") with { Notifications = new AppNotifications([new AppTag("news", "News")]) };
        using var r = await SaveAsync(client, id, "advanced", F(("json", wanted.ToPrettyJson())));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal(wanted.ToJson(), (await StoredAsync(id)).Config.ToJson());
    }

    [Fact]
    public async Task Edit_WithAStaleVersion_IsRefusedAndTheInputComesBack()
    {
        var (id, client) = await ConfiguredAppAsync();
        var stale = await VersionAsync(client, $"/dashboard/{id}/mobiloud/colors");
        using (var first = await SaveAsync(client, id, "colors", F(("status_bar", "#111111"), ("tab_bar_background", "#222222"), ("active_tab", "#333333"), ("inactive_tab", "#444444"))))
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var second = await SaveAsync(client, id, "colors", F(("version", stale), ("status_bar", "#999999"), ("tab_bar_background", "#222222"), ("active_tab", "#333333"), ("inactive_tab", "#444444")));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var html = await second.Content.ReadAsStringAsync();
        Assert.Contains("were not saved", html);
        Assert.Contains("value=\"#999999\"", html); // the customer's input is not lost
        Assert.Equal("#111111", (await StoredAsync(id)).Config.Colors.StatusBar);
    }

    [Fact]
    public async Task AppConfig_PaidPlan_ServesTheConfigWithETagAndHonoursIfNoneMatch()
    {
        var (id, client) = await ConfiguredAppAsync("starter");
        await using var db = app.Db();
        var appId = (await db.Resources.SingleAsync(r => r.Id == id)).PublicAppId!;

        using var first = await app.Client.GetAsync($"/mobiloud/apps/{appId}/config");
        var body = await first.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://shop.example.com", body.GetProperty("websiteUrl").GetString());
        Assert.Equal("#1F2937", body.GetProperty("colors").GetProperty("statusBar").GetString());
        var etag = first.Headers.ETag!;

        var again = new HttpRequestMessage(HttpMethod.Get, $"/mobiloud/apps/{appId}/config");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await app.Client.SendAsync(again)).StatusCode);

        await SaveAsync(client, id, "colors", F(("status_bar", "#010203"), ("tab_bar_background", "#222222"), ("active_tab", "#333333"), ("inactive_tab", "#444444")));
        var afterSave = new HttpRequestMessage(HttpMethod.Get, $"/mobiloud/apps/{appId}/config");
        afterSave.Headers.IfNoneMatch.Add(etag);
        using var changed = await app.Client.SendAsync(afterSave);
        Assert.Equal("#010203", (await changed.ExpectAsync(HttpStatusCode.OK)).GetProperty("colors").GetProperty("statusBar").GetString());
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/mobiloud/apps/{id}/config")).StatusCode); // never the uuid
    }

    [Fact]
    public async Task AppConfig_AfterDowngradeToTestOrDeprovision_IsServiceInactive()
    {
        var (id, _) = await ConfiguredAppAsync("starter");
        await using var db = app.Db();
        var appId = (await db.Resources.SingleAsync(r => r.Id == id)).PublicAppId!;
        await (await app.Client.GetAsync($"/mobiloud/apps/{appId}/config")).ExpectAsync(HttpStatusCode.OK);

        await (await app.ChangePlanAsync("mobiloud", id, "test")).ExpectAsync(HttpStatusCode.OK);
        var body = await (await app.Client.GetAsync($"/mobiloud/apps/{appId}/config")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("service_inactive", body.GetProperty("error").GetString());
        Assert.Contains("no longer active", body.GetProperty("message").GetString());

        await (await app.ChangePlanAsync("mobiloud", id, "basic")).ExpectAsync(HttpStatusCode.OK);
        await (await app.Client.GetAsync($"/mobiloud/apps/{appId}/config")).ExpectAsync(HttpStatusCode.OK);
        await (await app.DeprovisionAsync("mobiloud", id)).ExpectAsync(HttpStatusCode.NoContent);
        var gone = await (await app.Client.GetAsync($"/mobiloud/apps/{appId}/config")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("service_inactive", gone.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Publish_OnTestPlan_ShowsTheUpgradePromptAndRefusesDrafts()
    {
        var (id, client) = await ConfiguredAppAsync("test");
        var page = await client.GetStringAsync($"/dashboard/{id}/mobiloud/publish");
        Assert.Contains("id=\"upgrade-prompt\"", page);
        Assert.DoesNotContain("publish-form", page);
        using var draft = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud/publish", $"/dashboard/{id}/mobiloud/publish/draft", F(("version", "0"), ("app_name", "Shop")));
        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.MobiLoudSubmissions.AnyAsync(s => s.ResourceId == id));
    }

    internal static Dictionary<string, string> CompleteRequest() => F(
        ("contact_name", "Ada Lovelace"), ("contact_email", "ada@example.com"), ("website_url", "https://shop.example.com"), ("platform", "Shopify"),
        ("app_name", "Shop"), ("short_description", "Our shop in your pocket"), ("privacy_url", "https://shop.example.com/privacy"),
        ("agree", "yes"), ("signature", "Ada Lovelace"));

    [Fact]
    public async Task Publish_DraftThenInvalidThenValidSubmit_FreezesFormConfigAndPlan()
    {
        var (id, client) = await ConfiguredAppAsync("essential");
        var page = $"/dashboard/{id}/mobiloud/publish";
        using var draft = await AppFixture.PostFormAsync(client, page, $"{page}/draft", F(("version", "0"), ("contact_name", "Ada")));
        var version = (await draft.ExpectAsync(HttpStatusCode.OK)).GetProperty("version").GetUInt32();
        Assert.Contains("value=\"Ada\"", await client.GetStringAsync(page));

        var incomplete = new Dictionary<string, string>(CompleteRequest()) { ["version"] = version.ToString(), ["contact_email"] = "not-an-email" };
        incomplete.Remove("agree");
        using var invalid = await AppFixture.PostFormAsync(client, page, page, incomplete);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("Email must be an email address", html);
        Assert.Contains("required to submit", html);

        var complete = new Dictionary<string, string>(CompleteRequest()) { ["version"] = await VersionAsync(client, page) };
        using var ok = await AppFixture.PostFormAsync(client, page, page, complete);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);

        await using var db = app.Db();
        var row = await db.MobiLoudSubmissions.SingleAsync(s => s.ResourceId == id);
        Assert.Equal(SubmissionStatus.Submitted, row.Status);
        Assert.Equal("essential", row.PlanSlugSnapshot);
        Assert.Equal((await StoredAsync(id)).Row.ConfigJson, row.ConfigSnapshotJson);
        Assert.Equal("Ada Lovelace", JsonSerializer.Deserialize<Dictionary<string, string>>(row.FormJson)!["contact_name"]);
        Assert.True(await db.Outbox.AnyAsync(m => m.Kind == NotifyOperatorsJob.Kind && m.Argument == row.Id.ToString())); // the operators' email follows the commit

        var readOnly = await client.GetStringAsync(page);
        Assert.Contains("id=\"submitted\"", readOnly);
        Assert.Contains("<fieldset disabled>", readOnly);
        using var late = await AppFixture.PostFormAsync(client, page, $"{page}/draft", F(("version", row.Version.ToString()), ("contact_name", "Mallory")));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }
}
