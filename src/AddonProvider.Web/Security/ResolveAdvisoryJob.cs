using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

/// <summary>
/// Fixes who an advisory reaches: the affected resources (targets), one notification per recipient address
/// (the view <c>resource_contacts</c>: owner email, the user access list, verified SSO users still on it; de-duplicated
/// case-insensitively, under a unique constraint; an unverified SSO login's email is only a claim and never mailed), resources with
/// no contact marked unreachable, and one delivery job per batch — all in one transaction, once.
/// </summary>
public sealed class ResolveAdvisoryJob(AddonDbContext db, MailSettings mail, TimeProvider clock, ILogger<ResolveAdvisoryJob> logger) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock serialises two runs of this job; the second sees ResolvedAt and stops.
        var advisory = await db.Advisories.FromSql($"SELECT *, xmin FROM advisories WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (advisory is not { Status: AdvisoryStatus.Published, ResolvedAt: null }) return;

        var now = clock.GetUtcNow().UtcDateTime;
        var resourceIds = await AdvisoryTargeting.Affected(db, advisory).Select(r => r.Id).ToListAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO advisory_targets (advisory_id, resource_id, reachable)
            SELECT {id}, r.id,
                   EXISTS (SELECT 1 FROM resource_contacts c WHERE c.resource_id = r.id)
            FROM resources r WHERE r.id = ANY({resourceIds.ToArray()})
            ON CONFLICT DO NOTHING
            """, ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO advisory_notifications (advisory_id, email_key, email, resource_ids, batch, status, attempts, created_at, updated_at)
            SELECT {id}, c.email_key, min(c.email), array_agg(DISTINCT c.resource_id),
                   ((row_number() OVER (ORDER BY c.email_key)) - 1) / {mail.BatchSize}, {NotificationStatus.Pending.Stored()}, 0, {now}, {now}
            FROM (
                SELECT t.resource_id, rc.email, lower(rc.email) AS email_key
                FROM advisory_targets t JOIN resource_contacts rc ON rc.resource_id = t.resource_id
                WHERE t.advisory_id = {id}
            ) c
            GROUP BY c.email_key
            ON CONFLICT (advisory_id, email_key) DO NOTHING
            """, ct);
        // The app's logs hear of it too (resources with a drain; the line carries no contact and no secret).
        var line = AppLogs.AppLog.OneLine($"Security advisory ({advisory.Severity.ToString().ToLowerInvariant()}): {advisory.Title}. It affects this add-on; the add-on's dashboard has the assessment and mitigation steps.");
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO log_events (resource_id, at, message)
            SELECT t.resource_id, {now}, {line} FROM advisory_targets t
            WHERE t.advisory_id = {id} AND EXISTS (SELECT 1 FROM log_drains d WHERE d.resource_id = t.resource_id)
            """, ct);
        var batches = await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id).Select(n => n.Batch).Distinct().OrderBy(b => b).ToListAsync(ct);
        foreach (var batch in batches) db.Enqueue(AdvisoryJobs.Deliver, AdvisoryJobs.BatchArgument(id, batch), now);
        advisory.ResolvedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Advisory {AdvisoryId} reaches {Resources} resources in {Batches} batches", id, resourceIds.Count, batches.Count);
    }
}
