using System.Globalization;
using AddonProvider.Web.Dashboard;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Inference;

/// <summary>
/// The dashboard's usage section: a bar chart of requests per day as inline SVG drawn on the server (the page's
/// CSP allows no inline script, and a chart library would be the page's only script), and the same days as a table.
/// </summary>
public static class UsageChart
{
    public const int Days = 30;
    private const int Width = 600, Height = 160, Top = 14, Bottom = 18, Slot = Width / Days;

    public sealed record Day(DateOnly Date, long Requests, long Tokens, long SearchUnits);

    /// <summary>One entry per day of the window, oldest first; days without use are zeros. Models are summed.</summary>
    public static IReadOnlyList<Day> Fill(IReadOnlyList<UsageDay> rows, DateOnly today) =>
        Enumerable.Range(0, Days).Select(i => today.AddDays(i - (Days - 1))).Select(d =>
        {
            var of = rows.Where(r => r.Day == d).ToList();
            return new Day(d, of.Sum(r => r.Requests), of.Sum(r => r.Tokens), of.Sum(r => r.SearchUnits));
        }).ToList();

    public static Html Render(IReadOnlyList<Day> days)
    {
        var max = Math.Max(1, days.Max(d => d.Requests));
        var plot = Height - Top - Bottom;
        var bars = days.Select((d, i) =>
        {
            var h = d.Requests == 0 ? 0 : Math.Max(1, (int)Math.Round((double)d.Requests / max * plot));
            return H($"""<rect class="bar" x="{i * Slot + 2}" y="{Top + plot - h}" width="{Slot - 4}" height="{h}" data-day="{D(d.Date)}" data-requests="{d.Requests}"><title>{D(d.Date)}: {N(d.Requests)} requests</title></rect>""");
        });
        return H($"""
            <svg class="usage" id="usage-chart" viewBox="0 0 {Width} {Height}" role="img" aria-label="Requests per day, last {Days} days (the table under it has the numbers)">
            <text x="0" y="10">{N(days.Max(d => d.Requests))} requests (highest day)</text>
            <line class="axis" x1="0" y1="{Top + plot}" x2="{Width}" y2="{Top + plot}"/>
            {bars}
            <text x="0" y="{Height - 4}">{D(days[0].Date)}</text>
            <text x="{Width}" y="{Height - 4}" text-anchor="end">{D(days[^1].Date)}</text>
            </svg>
            <details id="usage-details"><summary>Requests, tokens and search units per day</summary>
            <table id="usage-table"><tr><th>Day (UTC)</th><th>Requests</th><th>Tokens</th><th>Search units</th></tr>
            {days.AsEnumerable().Reverse().Select(d => H($"<tr><td>{D(d.Date)}</td><td>{N(d.Requests)}</td><td>{N(d.Tokens)}</td><td>{N(d.SearchUnits)}</td></tr>"))}
            <tr class="total"><th>Last {Days} days</th><th>{N(days.Sum(d => d.Requests))}</th><th>{N(days.Sum(d => d.Tokens))}</th><th>{N(days.Sum(d => d.SearchUnits))}</th></tr>
            </table>
            </details>
            """);
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
