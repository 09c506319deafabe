using System.Globalization;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

/// <summary>
/// Sends one <see cref="SecurityReportMail"/> exactly once, with the advisories' discipline: a compare-and-set marks it
/// `sending` (only from `pending`, or from a `sending` claim older than <see cref="ClaimTimeout"/> whose run died) before
/// the mail server sees it, and `sent` right after the server accepted it. A second run (a retry, a duplicate delivery)
/// finds it sent and returns, or finds a fresh claim and fails for Hangfire to retry later. A run that dies between the
/// server's acceptance and the `sent` mark sends again after the claim went stale, with the same Message-ID.
/// </summary>
public sealed class ReportMailJob(AddonDbContext db, IMailSender sender, ReportEmail email, ReportClock deadlines, MailSettings mail, TimeProvider clock) : IJob
{
    /// <summary>Longer than a send can take (MailKit's timeout is 60 s).</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(2);

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = long.Parse(argument, CultureInfo.InvariantCulture);
        var now = clock.GetUtcNow().UtcDateTime;
        var stale = now - ClaimTimeout;
        var claimed = await db.SecurityReportMails
            .Where(m => m.Id == id && (m.Status == NotificationStatus.Pending || (m.Status == NotificationStatus.Sending && m.ClaimedAt < stale)))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, NotificationStatus.Sending)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.ClaimedAt, now), ct);
        var row = await db.SecurityReportMails.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        if (row is null) return;
        if (claimed == 0)
        {
            if (row.Status == NotificationStatus.Sending)
                throw new InvalidOperationException($"Security report mail {id} is being sent by another run (claimed {row.ClaimedAt:O}); this run retries later.");
            return; // sent, failed or withheld: done
        }

        var report = await db.SecurityReports.AsNoTracking().SingleAsync(r => r.Id == row.ReportId, ct);
        var resource = report.ResourceId is { } rid
            ? await db.Resources.AsNoTracking().Where(r => r.Id == rid).Select(r => new ReportEmail.About(r.Id, r.ProductId, r.PlanSlug, r.Name)).SingleOrDefaultAsync(ct)
            : null;
        var (message, withheld) = email.Compose(row, report, resource, deadlines.Evaluate(report));
        if (message is null)
        {
            await SetAsync(id, NotificationStatus.Withheld, withheld, null);
            return;
        }
        try
        {
            await using var session = await sender.OpenAsync(ct);
            await session.SendAsync(message, ct);
        }
        catch (MailDeliveryException e)
        {
            var final = e.Permanent || row.Attempts >= mail.MaxAttempts;
            await SetAsync(id, final ? NotificationStatus.Failed : NotificationStatus.Pending, e.Reason.Length <= 500 ? e.Reason : e.Reason[..500], null);
            if (!final) throw; // Hangfire retries with backoff
            return;
        }
        catch
        {
            // Not sent (cancelled, say): hand the claim back so the retry sends at once.
            await SetAsync(id, NotificationStatus.Pending, null, null);
            throw;
        }
        await SetAsync(id, NotificationStatus.Sent, null, clock.GetUtcNow().UtcDateTime);
    }

    private Task<int> SetAsync(long id, NotificationStatus status, string? error, DateTime? sentAt) =>
        db.SecurityReportMails.Where(m => m.Id == id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, status)
            .SetProperty(m => m.LastError, error).SetProperty(m => m.SentAt, sentAt), CancellationToken.None);
}
