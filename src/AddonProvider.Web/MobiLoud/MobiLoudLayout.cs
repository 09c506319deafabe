using AddonProvider.Data.Entities;
using AddonProvider.Web.Dashboard;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>MobiLoud's section navigation and the preview panel shown beside every editor.</summary>
public static class MobiLoudLayout
{
    public static Html Nav(Resource r, string current) => H($"""
        <nav class="sections">{SectionForms.Names.Append("publish").Select(s =>
            H($"<a href=\"/dashboard/{r.Id}/mobiloud/{s}\"{(s == current ? new Html(" aria-current=\"page\"") : Empty)}>{(s == "publish" ? "Publish" : SectionForms.Title(s))}</a>"))}</nav>
        """);

    /// <summary>
    /// A phone frame with the site's main page and the tab bar in the configured colours. It is rendered from the
    /// stored document, and every save is a full round trip, so it shows the saved state after each save.
    /// </summary>
    public static Html Preview(AppConfig c, string? appId) => H($"""
        <aside id="preview" aria-label="Preview">
          <div class="phone">
            <div class="statusbar" style="background:{Safe(c.Colors.StatusBar)}"></div>
            <iframe src="{c.Menu.MainUrl}" title="Your site" sandbox="allow-scripts allow-same-origin allow-forms" referrerpolicy="no-referrer"></iframe>
            <div class="tabbar" style="background:{Safe(c.Colors.TabBarBackground)}">{c.Menu.Tabs.Select((t, i) =>
                H($"<span class=\"tab{(i == 0 ? " active" : "")}\" style=\"color:{Safe(i == 0 ? c.Colors.ActiveTab : c.Colors.InactiveTab)}\"><i class=\"icon\">{t.Icon}</i>{t.Label}</span>"))}</div>
          </div>
          <p class="hint">Some sites refuse to be shown inside another page; the app itself is not affected. App id: <code>{appId}</code></p>
        </aside>
        """);

    private static string Safe(string color) => AppRules.Color().IsMatch(color) ? color : "#000000";

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
