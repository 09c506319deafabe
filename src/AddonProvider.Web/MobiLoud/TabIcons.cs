using AddonProvider.Web.Dashboard;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.MobiLoud;

/// <summary>
/// The icons the preview draws for tab names (24×24 line drawings in the tab's colour). A name not in the set still
/// saves — the native shell has more — and is drawn as a plain circle.
/// </summary>
public static class TabIcons
{
    private static readonly Dictionary<string, string> Paths = new(StringComparer.Ordinal)
    {
        ["home"] = "M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10",
        ["cart"] = "M3 4h2l2.5 11h10L20 7H7M9 20a1 1 0 1 0 0-.1M17 20a1 1 0 1 0 0-.1",
        ["search"] = "M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14M16 16l5 5",
        ["user"] = "M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8M4 21c1-4 4-6 8-6s7 2 8 6",
        ["account"] = "M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8M4 21c1-4 4-6 8-6s7 2 8 6",
        ["heart"] = "M12 20s-8-5-8-11a4 4 0 0 1 8-1a4 4 0 0 1 8 1c0 6-8 11-8 11z",
        ["bell"] = "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
        ["star"] = "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z",
        ["menu"] = "M4 6h16M4 12h16M4 18h16",
        ["info"] = "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 11v6M12 7v.1",
        ["settings"] = "M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6M12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2",
        ["phone"] = "M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z",
        ["mail"] = "M3 6h18v12H3zM3 6l9 7 9-7",
        ["tag"] = "M3 3h8l10 10-8 8L3 11zM7.5 7.5v.1",
        ["bookmark"] = "M6 3h12v18l-6-4-6 4z",
        ["calendar"] = "M4 5h16v15H4zM4 10h16M9 3v4M15 3v4",
        ["map"] = "M12 21s-7-6-7-12a7 7 0 0 1 14 0c0 6-7 12-7 12zM12 7a2 2 0 1 0 0 4a2 2 0 1 0 0-4",
        ["news"] = "M4 5h13v14H6a2 2 0 0 1-2-2zM17 9h3v8a2 2 0 0 1-2 2M8 9h5M8 13h5",
        ["grid"] = "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
        ["play"] = "M7 4l13 8-13 8z",
        ["chat"] = "M4 5h16v11H9l-5 4z",
    };

    public static IEnumerable<string> Names => Paths.Keys.Order(StringComparer.Ordinal);

    public static Html Svg(string name) =>
        H($"<svg viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\"><path d=\"{Paths.GetValueOrDefault(name, "M12 4a8 8 0 1 0 0 16a8 8 0 1 0 0-16")}\"/></svg>");
}
