using AddonProvider.Data;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Console;
using AddonProvider.Web.Dashboard;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.UsageWarnings;

/// <summary>The console's resource page: whether usage warnings are on, the recent ones, and the switch (POST, antiforgery).</summary>
public sealed class UsageWarningConsoleSection(AddonDbContext db) : ConsoleResourceSection
{
    public override async Task<Html> RenderAsync(HttpContext http, AdminResourceEndpoints.ResourceDetail resource, CancellationToken ct)
    {
        var disabledAt = await db.Resources.Where(r => r.Id == resource.Id).Select(r => r.UsageWarningsDisabledAt).SingleAsync(ct);
        var recent = await db.UsageWarnings.AsNoTracking().Where(w => w.ResourceId == resource.Id)
            .OrderByDescending(w => w.CreatedAt).Take(10).ToListAsync(ct);
        var enabled = disabledAt is null;
        return H($"""
            <section id="usage-warnings"><h2>Usage warnings</h2>
            <p id="usage-warnings-state">{(enabled ? "On: contacts are emailed at 80% and 100% of a plan limit (once per limit and threshold per day), with a dashboard banner and an app-log line."
                : $"Off since {disabledAt:yyyy-MM-dd HH:mm} UTC: no warning emails, banners or app-log lines.")}</p>
            {ConsolePage.Form(http, $"/console/resources/{resource.Id}/usage-warnings",
                H($"<input type=\"hidden\" name=\"enabled\" value=\"{(enabled ? "false" : "true")}\">"), enabled ? "Turn usage warnings off" : "Turn usage warnings on", "usage-warnings-form")}
            {When(recent.Count > 0, () => ConsolePage.Table(["At (UTC)", "Limit", "Threshold", "Used / limit", "Emailed"],
                recent.Select(w => H($"<tr><td>{w.CreatedAt:yyyy-MM-dd HH:mm}</td><td>{w.LimitLabel}</td><td>{w.Threshold}%</td><td>{w.Used} / {w.Limit}</td><td>{(w.EmailedAt is null ? "no" : "yes")}</td></tr>")), "usage-warning-list"))}
            </section>
            """);
    }
}

public static class UsageWarningConsole
{
    public static RouteGroupBuilder MapUsageWarningConsole(this RouteGroupBuilder console)
    {
        console.MapPost("/resources/{id:guid}/usage-warnings", async (Guid id, HttpContext http, IFormCollection form, UsageWarningSwitch switcher, CancellationToken ct) =>
        {
            if (form["enabled"].ToString() is not ("true" or "false") and var value)
                return (IResult)ConsolePage.Message(http, StatusCodes.Status400BadRequest, "Not changed", $"enabled must be true or false, not '{value}'.");
            var outcome = await switcher.SetAsync(id, form["enabled"] == "true", http.User.Actor(), http.TraceIdentifier, ct);
            if (outcome.Failure is { } f) return ConsolePage.Message(http, f.Status, "Not changed", f.Message);
            return TypedResults.Redirect($"/console/resources/{id}#usage-warnings");
        }).RequireAuthorization(ConsoleAuth.OperatorPolicy);
        return console;
    }
}
