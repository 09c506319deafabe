using AddonProvider.Web.Dashboard;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>The four structured editors plus Advanced: each reads its fields into a copy of the document and renders them back.</summary>
public static class SectionForms
{
    public static readonly string[] Names = ["menu", "colors", "notifications", "settings", "advanced"];

    public static string Title(string section) => section switch
    {
        "menu" => "Menu",
        "colors" => "Colors",
        "notifications" => "Notifications",
        "settings" => "Settings",
        _ => "Advanced",
    };

    /// <summary>The document with this section replaced by what was posted (not yet validated), or a parse error for Advanced.</summary>
    public static (AppConfig? Config, string? Error) Read(string section, AppConfig current, IFormCollection form)
    {
        string F(string name) => form[name].ToString().Trim();
        switch (section)
        {
            case "menu":
                var tabs = Enumerable.Range(0, AppRules.MaxTabs + 1)
                    .Select(i => new AppTab(F($"tab_icon_{i}"), F($"tab_label_{i}"), F($"tab_url_{i}")))
                    .Where(t => t.Icon.Length + t.Label.Length + t.Url.Length > 0).ToList();
                if (F("move").Split(':') is [var dir, var n] && int.TryParse(n, out var at) && at >= 0 && at < tabs.Count)
                {
                    var to = dir == "up" ? at - 1 : at + 1;
                    if (to >= 0 && to < tabs.Count) (tabs[at], tabs[to]) = (tabs[to], tabs[at]);
                }
                return (current with { Menu = new AppMenu(F("main_url"), tabs) }, null);
            case "colors":
                return (current with { Colors = new AppColors(F("status_bar"), F("tab_bar_background"), F("active_tab"), F("inactive_tab")) }, null);
            case "notifications":
                var tags = Enumerable.Range(0, AppRules.MaxTags + 1)
                    .Select(i => new AppTag(F($"tag_id_{i}"), F($"tag_label_{i}")))
                    .Where(t => t.Id.Length + t.Label.Length > 0).ToList();
                return (current with { Notifications = new AppNotifications(tags) }, null);
            case "settings":
                var links = Enumerable.Range(0, AppRules.MaxLinks + 1)
                    .Select(i => new AppLink(F($"link_label_{i}"), F($"link_url_{i}")))
                    .Where(l => l.Label.Length + l.Url.Length > 0).ToList();
                return (current with { Settings = new AppSettings(F("menu_label"), links) }, null);
            default:
                return AppConfig.Parse(form["json"].ToString());
        }
    }

    /// <param name="websiteUrl">the app's website, edited in Settings</param>
    public static Html Render(string section, AppConfig c, string? advancedText = null, string? websiteUrl = null) => section switch
    {
        "menu" => H($"""
            {Field("main_url", "Main page URL", c.Menu.MainUrl, "url")}
            <fieldset><legend>Tabs (up to {AppRules.MaxTabs}; the order here is the order in the app)</legend>
            <p class="hint" id="reorder-help">Drag a tab by its handle (⠿), or use its Move up and Move down buttons, to change the order; then Save.
            Icons: {string.Join(", ", TabIcons.Names)}. Leave a row empty to remove that tab.</p>
            <ul class="tabs" id="tabs" aria-describedby="reorder-help">
            {Enumerable.Range(0, AppRules.MaxTabs).Select(i => TabRow(i, i < c.Menu.Tabs.Count ? c.Menu.Tabs[i] : null))}
            </ul>
            <datalist id="tab-icons">{TabIcons.Names.Select(n => H($"<option value=\"{n}\"></option>"))}</datalist>
            <p class="status" id="reorder-status" role="status"></p>
            </fieldset>
            <script src="/assets/tabs.js" defer></script>
            """),
        "colors" => H($"""
            {Color("status_bar", "Status bar", c.Colors.StatusBar)}
            {Color("tab_bar_background", "Tab bar background", c.Colors.TabBarBackground)}
            {Color("active_tab", "Active tab", c.Colors.ActiveTab)}
            {Color("inactive_tab", "Inactive tab", c.Colors.InactiveTab)}
            """),
        "notifications" => H($"""
            <p>Push categories your users can subscribe to. Ids are what your server sends; they must be unique.</p>
            <table class="rows"><tr><th>Id</th><th>Label</th></tr>
            {Enumerable.Range(0, Math.Min(AppRules.MaxTags, c.Notifications.Tags.Count + 3)).Select(i =>
                H($"<tr><td><input name=\"tag_id_{i}\" value=\"{At(c.Notifications.Tags, i)?.Id}\" aria-label=\"Tag {i + 1} id\"></td><td><input name=\"tag_label_{i}\" value=\"{At(c.Notifications.Tags, i)?.Label}\" aria-label=\"Tag {i + 1} label\"></td></tr>"))}
            </table>
            """),
        "settings" => H($"""
            {Field("website_url", "Website URL (the site your app shows; an absolute http(s) URL)", websiteUrl, "url")}
            {Field("menu_label", "Menu label", c.Settings.MenuLabel)}
            <table class="rows"><tr><th>Link label</th><th>URL</th></tr>
            {Enumerable.Range(0, Math.Min(AppRules.MaxLinks, c.Settings.Links.Count + 2)).Select(i =>
                H($"<tr><td><input name=\"link_label_{i}\" value=\"{At(c.Settings.Links, i)?.Label}\" aria-label=\"Link {i + 1} label\"></td><td><input name=\"link_url_{i}\" value=\"{At(c.Settings.Links, i)?.Url}\" aria-label=\"Link {i + 1} URL\"></td></tr>"))}
            </table>
            """),
        _ => H($"""
            <p id="json-help">The whole configuration as JSON. It is checked against the same rules as the other sections; an invalid document is not saved.</p>
            <label for="json">Configuration (JSON)</label>
            <textarea aria-describedby="json-help" name="json" id="json" rows="24" spellcheck="false">{advancedText ?? c.ToPrettyJson()}</textarea>
            """),
    };

    /// <summary>
    /// One tab as a list item. Filled rows can be dragged by the handle (tabs.js) or moved with the buttons: with script the
    /// buttons move the row in place and announce it; without, they post the form and the server moves and saves.
    /// </summary>
    private static Html TabRow(int i, AppTab? t) => H($"""
        <li class="tab-row"{(t is null ? Empty : new Html(" data-filled"))}>
        {(t is null ? H($"<span class=\"handle\" aria-hidden=\"true\"></span>") : H($"<span class=\"handle\" draggable=\"true\" aria-hidden=\"true\" title=\"Drag to reorder\">⠿</span>"))}
        <label>Icon<span class="visually-hidden"> of tab {i + 1}</span><input name="tab_icon_{i}" value="{t?.Icon}" list="tab-icons" autocomplete="off"></label>
        <label>Label<span class="visually-hidden"> of tab {i + 1}</span><input name="tab_label_{i}" value="{t?.Label}"></label>
        <label>URL<span class="visually-hidden"> of tab {i + 1}</span><input name="tab_url_{i}" value="{t?.Url}" type="url"></label>
        <span class="move">{When(t is not null, () => H($"""<button type="submit" name="move" value="up:{i}" class="secondary small" data-move="up" aria-label="Move {t!.Label} up">↑</button><button type="submit" name="move" value="down:{i}" class="secondary small" data-move="down" aria-label="Move {t.Label} down">↓</button>"""))}</span>
        </li>
        """);

    private static T? At<T>(List<T> list, int i) where T : class => i < list.Count ? list[i] : null;

    public static Html Field(string name, string label, string? value, string type = "text") =>
        H($"<label>{label}<input name=\"{name}\" id=\"{name}\" type=\"{type}\" value=\"{value}\"></label>");

    // The browser's picker always posts #rrggbb; the server checks the rule all the same.
    private static Html Color(string name, string label, string value) =>
        H($"<label>{label}<input type=\"color\" id=\"{name}\" name=\"{name}\" value=\"{(AppRules.Color().IsMatch(value) ? value.ToLowerInvariant() : "#000000")}\"></label>");
}
