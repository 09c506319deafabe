using AddonProvider.Data.Entities;
using AddonProvider.Web.Dashboard;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>MobiLoud's section navigation and the preview panel shown beside every editor.</summary>
public static class MobiLoudLayout
{
    public static readonly string[] Pages = [.. SectionForms.Names, "preview", "publish"];

    public static string PageTitle(string page) => page switch { "publish" => "Publish", "preview" => "Preview", _ => SectionForms.Title(page) };

    public static Html Nav(Resource r, string current) => H($"""
        <nav class="sections" aria-label="App sections">{Pages.Select(s =>
            H($"<a href=\"/dashboard/{r.Id}/mobiloud/{s}\"{(s == current ? new Html(" aria-current=\"page\"") : Empty)}>{PageTitle(s)}</a>"))}</nav>
        """);

    /// <summary>
    /// A phone frame with the site's main page and the tab bar with the configured icons and colours. It is rendered from the
    /// stored document, and every save is a full round trip, so it shows the saved state after each save. The colours come
    /// from a stylesheet of our own (<see cref="PreviewStylesheet"/>): no style attribute, so the page needs no inline styles.
    /// </summary>
    public static Html Preview(Resource r, AppConfig c) => H($"""
        <link rel="stylesheet" href="/dashboard/{r.Id}/mobiloud/preview.css?status={Hex(c.Colors.StatusBar)}&amp;bar={Hex(c.Colors.TabBarBackground)}&amp;active={Hex(c.Colors.ActiveTab)}&amp;inactive={Hex(c.Colors.InactiveTab)}">
        <aside id="preview" aria-label="Preview of your app">
          <div class="phone">
            <div class="statusbar"></div>
            <iframe src="{c.Menu.MainUrl}" title="Your site, as the app's main page" sandbox="allow-scripts allow-same-origin allow-forms" referrerpolicy="no-referrer"></iframe>
            <div class="tabbar" role="list" aria-label="Tab bar">{c.Menu.Tabs.Select((t, i) =>
                H($"<span class=\"tab{(i == 0 ? " active" : "")}\" role=\"listitem\" data-icon=\"{t.Icon}\">{TabIcons.Svg(t.Icon)}{t.Label}</span>"))}</div>
          </div>
          {When(c.Menu.Tabs.Count == 0, () => H($"<p class=\"hint\" id=\"no-tabs\">No tabs yet: add up to {AppRules.MaxTabs} in Menu.</p>"))}
          <p class="hint">Some sites refuse to be shown inside another page; the app itself is not affected. App id: <code>{r.PublicAppId}</code></p>
        </aside>
        """);

    private static string Hex(string color) => (AppRules.Color().IsMatch(color) ? color : "#000000")[1..];

    /// <summary>The preview's colours as CSS; every value is checked to be six hex digits, so nothing else can reach the sheet.</summary>
    public static string PreviewStylesheet(string? status, string? bar, string? active, string? inactive)
    {
        static string C(string? hex) => hex is { Length: 6 } && AppRules.Color().IsMatch("#" + hex) ? "#" + hex : "#000000";
        return $"#preview .statusbar {{ background: {C(status)}; }}\n#preview .tabbar {{ background: {C(bar)}; }}\n" +
               $"#preview .tab {{ color: {C(inactive)}; }}\n#preview .tab.active {{ color: {C(active)}; }}\n";
    }

    public static Html Editor(Resource r, string section, Html form, uint version, Html antiforgery) => H($"""
        <form method="post" action="/dashboard/{r.Id}/mobiloud/{section}" id="section-form">
        {antiforgery}
        <input type="hidden" name="version" value="{version}">
        <button type="submit" name="action" value="save" class="default-submit" tabindex="-1" aria-hidden="true">Save</button>
        {form}
        <p><button type="submit" name="action" value="save" id="save">Save</button></p>
        </form>
        """);
}
