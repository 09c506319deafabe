using AddonProvider.Data;
using AddonProvider.Web.Dashboard;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.UsageWarnings;

/// <summary>A banner on every dashboard page of a resource for each usage warning of the last 24 hours (the highest threshold per limit).</summary>
public static class UsageWarningBanner
{
    public static RouteGroupBuilder MapUsageWarningBanner(this RouteGroupBuilder dashboard)
    {
        dashboard.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            if (!Page.RendersPage(http)) return await next(ctx);
            var db = http.RequestServices.GetRequiredService<AddonDbContext>();
            var id = http.Resource().Id;
            var since = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddDays(-1);
            var warnings = await db.UsageWarnings.AsNoTracking()
                .Where(w => w.ResourceId == id && w.CreatedAt >= since && db.Resources.Any(r => r.Id == id && r.UsageWarningsDisabledAt == null))
                .OrderByDescending(w => w.Threshold).ThenByDescending(w => w.CreatedAt).ToListAsync(http.RequestAborted);
            foreach (var w in warnings.DistinctBy(w => w.LimitKey))
                Page.AddBanner(http, H($"""
                    <section class="usage-warning" role="status" data-usage-limit="{w.LimitKey}" data-threshold="{w.Threshold}">
                    <p>{UsageLimits.Sentence(w.LimitLabel, w.Threshold, w.Used, w.Limit)}</p>
                    </section>
                    """));
            return await next(ctx);
        });
        return dashboard;
    }
}
