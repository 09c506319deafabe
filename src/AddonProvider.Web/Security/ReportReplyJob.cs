using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace AddonProvider.Web.Security;

/// <summary>
/// Emails an operator's reply to a security report; same status discipline as advisory notifications. It re-checks
/// that the report's address is verified and is the reply's address, so a reply queued before that rule (or for a
/// since-changed report) is withheld rather than sent.
/// </summary>
public sealed class ReportReplyJob(AddonDbContext db, IMailSender sender, MailSettings mail, TimeProvider clock) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = long.Parse(argument, System.Globalization.CultureInfo.InvariantCulture);
        var reply = await db.SecurityReportReplies.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (reply is null || reply.Status is NotificationStatus.Sent or NotificationStatus.Failed or NotificationStatus.Withheld) return;
        var report = await db.SecurityReports.AsNoTracking().SingleAsync(r => r.Id == reply.ReportId, ct);
        if (!report.ReporterEmailVerified || reply.ToEmail is null || !string.Equals(reply.ToEmail, report.ReporterEmail, StringComparison.OrdinalIgnoreCase))
        {
            reply.Status = NotificationStatus.Withheld;
            reply.ToEmail = null;
            await db.SaveChangesAsync(ct);
            return;
        }

        var message = new MimeMessage { Subject = $"Re: your security report {report.Id.ToString()[..8]}", MessageId = $"report-reply-{reply.Id}@{mail.MessageIdDomain}" };
        message.From.Add(MailboxAddress.Parse(mail.From));
        message.To.Add(MailboxAddress.Parse(reply.ToEmail));
        message.Body = new TextPart("plain")
        {
            Text = $"{reply.Body}\n\n--\nIn reply to your report of {report.CreatedAt:yyyy-MM-dd HH:mm} UTC:\n> {report.Text.Replace("\n", "\n> ")}\n",
        };

        reply.Status = NotificationStatus.Sending;
        reply.Attempts++;
        await db.SaveChangesAsync(ct);
        try
        {
            await using var session = await sender.OpenAsync(ct);
            await session.SendAsync(message, ct);
            reply.Status = NotificationStatus.Sent;
            reply.SentAt = clock.GetUtcNow().UtcDateTime;
            reply.LastError = null;
        }
        catch (MailDeliveryException e)
        {
            reply.LastError = e.Reason.Length <= 500 ? e.Reason : e.Reason[..500];
            reply.Status = e.Permanent || reply.Attempts >= mail.MaxAttempts ? NotificationStatus.Failed : NotificationStatus.Pending;
            await db.SaveChangesAsync(CancellationToken.None);
            if (reply.Status == NotificationStatus.Pending) throw; // Hangfire retries with backoff
            return;
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
