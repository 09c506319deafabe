using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AddonProvider.Web.MobiLoud;

/// <summary>The MobiLoud app shell's configuration: one JSON document per resource, edited section by section.</summary>
public sealed record AppConfig(AppMenu Menu, AppColors Colors, AppNotifications Notifications, AppSettings Settings)
{
    public static AppConfig Default(string websiteUrl) => new(
        new AppMenu(websiteUrl, [new AppTab("home", "Home", websiteUrl)]),
        new AppColors("#1F2937", "#FFFFFF", "#2563EB", "#6B7280"),
        new AppNotifications([]),
        new AppSettings("More", []));

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>For the Advanced editor: unknown or missing members are errors, not silently dropped or defaulted.</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public string ToPrettyJson() => JsonSerializer.Serialize(this, Strict);
    public static AppConfig FromJson(string json) => JsonSerializer.Deserialize<AppConfig>(json, Json)!;

    /// <summary>Parses the Advanced editor's text; the error says where and what is wrong, in the customer's terms.</summary>
    public static (AppConfig? Config, string? Error) Parse(string text)
    {
        try
        {
            var config = JsonSerializer.Deserialize<AppConfig>(text, Strict);
            return config is null ? (null, "The document must be a JSON object, not null.") : (config, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } p ? $" at {p}" : "";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            var what = e.Message switch
            {
                var m when m.Contains("could not be mapped", StringComparison.Ordinal) => "an unknown member",
                var m when m.Contains("missing required properties", StringComparison.Ordinal) => "a required member is missing",
                var m when m.Contains("could not be converted", StringComparison.Ordinal) || m.Contains("null", StringComparison.OrdinalIgnoreCase) => "a value has the wrong type",
                _ => "this is not valid JSON",
            };
            return (null, $"Invalid document: {what}{where}{line}.");
        }
    }
}

public sealed record AppMenu(string MainUrl, List<AppTab> Tabs);
public sealed record AppTab(string Icon, string Label, string Url);
public sealed record AppColors(string StatusBar, string TabBarBackground, string ActiveTab, string InactiveTab);
public sealed record AppNotifications(List<AppTag> Tags);
public sealed record AppTag(string Id, string Label);
public sealed record AppSettings(string MenuLabel, List<AppLink> Links);
public sealed record AppLink(string Label, string Url);

/// <summary>The rules every saved configuration obeys, whichever editor produced it.</summary>
public static partial class AppRules
{
    public const int MaxTabs = 5;
    public const int MaxTags = 20;
    public const int MaxLinks = 10;

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    public static partial Regex Color();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex Slug();

    public static bool IsWebUrl(string? s) =>
        s is { Length: > 0 and <= 2000 } && Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.Host.Length > 0;

    public static List<string> Check(AppConfig c)
    {
        var errors = new List<string>();
        if (c.Menu.Tabs.Any(t => t is null) || c.Notifications.Tags.Any(t => t is null) || c.Settings.Links.Any(l => l is null))
            return ["A list holds null where an object is expected."];
        if (!IsWebUrl(c.Menu.MainUrl)) errors.Add("Menu: the main page URL must be an absolute http(s) URL.");
        if (c.Menu.Tabs.Count > MaxTabs) errors.Add($"Menu: at most {MaxTabs} tabs ({c.Menu.Tabs.Count} given).");
        for (var i = 0; i < c.Menu.Tabs.Count; i++)
        {
            var t = c.Menu.Tabs[i];
            if (!Slug().IsMatch(t.Icon)) errors.Add($"Menu tab {i + 1}: the icon must be an icon name such as home or cart (lower-case letters, digits, - and _).");
            if (t.Label.Trim().Length is 0 or > 30) errors.Add($"Menu tab {i + 1}: the label must be 1–30 characters.");
            if (!IsWebUrl(t.Url)) errors.Add($"Menu tab {i + 1}: the URL must be an absolute http(s) URL.");
        }
        foreach (var (name, value) in new[] { ("status bar", c.Colors.StatusBar), ("tab bar background", c.Colors.TabBarBackground), ("active tab", c.Colors.ActiveTab), ("inactive tab", c.Colors.InactiveTab) })
            if (!Color().IsMatch(value)) errors.Add($"Colors: the {name} color must be #RRGGBB.");
        if (c.Notifications.Tags.Count > MaxTags) errors.Add($"Notifications: at most {MaxTags} tags.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in c.Notifications.Tags)
        {
            if (!Slug().IsMatch(t.Id)) errors.Add("Notifications: a tag id must be 1–40 lower-case letters, digits, - or _.");
            else if (!seen.Add(t.Id)) errors.Add($"Notifications: the tag id '{t.Id}' is used twice; ids must be unique.");
            if (t.Label.Trim().Length is 0 or > 60) errors.Add("Notifications: a tag label must be 1–60 characters.");
        }
        if (c.Settings.MenuLabel.Trim().Length is 0 or > 40) errors.Add("Settings: the menu label must be 1–40 characters.");
        if (c.Settings.Links.Count > MaxLinks) errors.Add($"Settings: at most {MaxLinks} links.");
        for (var i = 0; i < c.Settings.Links.Count; i++)
        {
            var l = c.Settings.Links[i];
            if (l.Label.Trim().Length is 0 or > 60) errors.Add($"Settings link {i + 1}: the label must be 1–60 characters.");
            if (!IsWebUrl(l.Url)) errors.Add($"Settings link {i + 1}: the URL must be an absolute http(s) URL.");
        }
        return errors;
    }
}
