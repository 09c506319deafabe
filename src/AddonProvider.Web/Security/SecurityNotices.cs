using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

public sealed record NoticeView(Guid Id, Guid? FollowUpOf, string Title, string Severity, IReadOnlyList<string> CveIds, string Summary,
    string Assessment, string Mitigation, IReadOnlyList<string> Links, DateTime? PublishedAt);

/// <summary>The dashboard banner: published advisories that target a resource and that nobody on it acknowledged yet.</summary>
public sealed class SecurityNotices(AddonDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<NoticeView>> UnacknowledgedAsync(Guid resourceId, CancellationToken ct)
    {
        var advisories = await (from t in db.AdvisoryTargets
                                join a in db.Advisories on t.AdvisoryId equals a.Id
                                where t.ResourceId == resourceId && t.AcknowledgedAt == null && a.Status == AdvisoryStatus.Published
                                orderby a.PublishedAt descending
                                select a).AsNoTracking().ToListAsync(ct);
        return advisories.Select(View).ToList();
    }

    /// <summary>One published advisory that targets the resource (acknowledged or not), for its full-text page; null otherwise.</summary>
    public async Task<(NoticeView Notice, DateTime? AcknowledgedAt)?> FindAsync(Guid resourceId, Guid advisoryId, CancellationToken ct)
    {
        var found = await (from t in db.AdvisoryTargets
                           join a in db.Advisories on t.AdvisoryId equals a.Id
                           where t.ResourceId == resourceId && t.AdvisoryId == advisoryId && a.Status == AdvisoryStatus.Published
                           select new { a, t.AcknowledgedAt }).AsNoTracking().FirstOrDefaultAsync(ct);
        return found is null ? null : (View(found.a), found.AcknowledgedAt);
    }

    private static NoticeView View(Advisory a) => new(a.Id, a.FollowUpOf, a.Title, a.Severity.ToString().ToLowerInvariant(), a.CveIds,
        a.Summary, a.Assessment, a.Mitigation, a.Links, a.PublishedAt);

    /// <summary>False when the advisory does not target this resource. Acknowledging twice keeps the first acknowledgement.</summary>
    public async Task<bool> AcknowledgeAsync(Guid resourceId, Guid advisoryId, string by, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.AdvisoryTargets.Where(t => t.ResourceId == resourceId && t.AdvisoryId == advisoryId && t.AcknowledgedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.AcknowledgedAt, now).SetProperty(t => t.AcknowledgedBy, by), ct);
        return changed > 0 || await db.AdvisoryTargets.AnyAsync(t => t.ResourceId == resourceId && t.AdvisoryId == advisoryId, ct);
    }
}
