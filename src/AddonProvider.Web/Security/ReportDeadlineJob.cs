using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

/// <summary>
/// Every minute: for each report deadline that has passed unmet (no operator reply by the acknowledge deadline; not
/// resolved or rejected by the fix-or-mitigate deadline), one alert to the security team. "One" is settled by the
/// database, not by a look first: the alert row is inserted with ON CONFLICT DO NOTHING under the unique (report, kind,
/// deadline) index, and only the transaction whose insert returned a row writes the job that sends it — so concurrent
/// runs on several workers, or a rerun, add nothing. A deadline that moves (a severity set at triage) and passes again
/// is a new deadline and alerts again.
/// </summary>
public sealed class ReportDeadlineJob(AddonDbContext db, TimeProvider clock) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ack = SecurityReportMailKind.AcknowledgeOverdue;
        var resolve = SecurityReportMailKind.ResolveOverdue;
        // The filters skip deadlines already alerted only to keep each run small; the unique index is what decides.
        var acks = await db.SecurityReports.AsNoTracking()
            .Where(r => r.AcknowledgedAt == null && r.AcknowledgeBy < now
                && !db.SecurityReportMails.Any(m => m.ReportId == r.Id && m.Kind == ack && m.Deadline == r.AcknowledgeBy))
            .OrderBy(r => r.AcknowledgeBy).Take(500).Select(r => new { r.Id, Deadline = r.AcknowledgeBy!.Value }).ToListAsync(ct);
        var resolves = await db.SecurityReports.AsNoTracking()
            .Where(r => r.Status != SecurityReportStatus.Resolved && r.Status != SecurityReportStatus.Rejected && r.ResolveBy < now
                && !db.SecurityReportMails.Any(m => m.ReportId == r.Id && m.Kind == resolve && m.Deadline == r.ResolveBy))
            .OrderBy(r => r.ResolveBy).Take(500).Select(r => new { r.Id, Deadline = r.ResolveBy!.Value }).ToListAsync(ct);
        var due = acks.Select(a => (a.Id, Kind: ack, a.Deadline)).Concat(resolves.Select(r => (r.Id, Kind: resolve, r.Deadline)));
        foreach (var d in due) await AlertOnceAsync(d.Id, d.Kind, d.Deadline, now, ct);
    }

    private async Task AlertOnceAsync(Guid reportId, SecurityReportMailKind kind, DateTime deadline, DateTime now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inserted = await db.Database.SqlQuery<long>($"""
            INSERT INTO security_report_mails (report_id, kind, deadline, status, attempts, created_at)
            VALUES ({reportId}, {kind.Stored()}, {deadline}, {NotificationStatus.Pending.Stored()}, 0, {now})
            ON CONFLICT (report_id, kind, deadline) DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        if (inserted is [var id])
        {
            db.Enqueue(AdvisoryJobs.ReportMail, id.ToString(System.Globalization.CultureInfo.InvariantCulture), now);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
