using System.Globalization;
using System.Text;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace AddonProvider.Web.MobiLoud;

/// <summary>
/// Emails a submitted publishing request to the operators (OPERATORS_EMAIL), then records that it did. A run first
/// claims the email in a short transaction and then talks to the mail server holding no lock or connection (a slow
/// server must not pin a pooled connection for up to a minute); a second delivery of the job that finds a fresh
/// claim fails for Hangfire to retry later, when the first has finished. A run that dies after the server accepted
/// the mail but before recording it sends again once its claim is stale, with the same Message-ID for the receiving
/// side to de-duplicate.
/// </summary>
public sealed class NotifyOperatorsJob(AddonDbContext db, IMailSender sender, MailSettings mail, TimeProvider clock) : IJob
{
    public const string Kind = "mobiloud.notify-operators";

    /// <summary>Longer than a send can take (MailKit's timeout is 60 s): an older claim belongs to a run that died.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(2);

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = long.Parse(argument, CultureInfo.InvariantCulture);
        if (await ClaimAsync(id, ct) is not var (submission, resource)) return;
        try
        {
            await using var session = await sender.OpenAsync(ct);
            await session.SendAsync(Message(submission, resource), ct);
        }
        catch
        {
            // Hand the claim back so Hangfire's retry sends at once instead of waiting for it to go stale.
            await db.MobiLoudSubmissions.Where(s => s.Id == id && s.OperatorsNotifiedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.OperatorsNotifyClaimedAt, (DateTime?)null), CancellationToken.None);
            throw;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await db.MobiLoudSubmissions.Where(s => s.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.OperatorsNotifiedAt, now), CancellationToken.None);
    }

    private async Task<(MobiLoudSubmission Submission, Resource Resource)?> ClaimAsync(long id, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // xmin is a system column, so `*` leaves it out.
        var submission = (await db.MobiLoudSubmissions.FromSql($"SELECT *, xmin FROM mobiloud_submissions WHERE id = {id} FOR UPDATE").ToListAsync(ct))
            .SingleOrDefault();
        if (submission is not { Status: SubmissionStatus.Submitted, OperatorsNotifiedAt: null }) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (submission.OperatorsNotifyClaimedAt is { } claimed && now - claimed < ClaimTimeout)
            throw new InvalidOperationException($"Submission {id} is being emailed by another run (claimed {claimed:O}); this run retries later.");
        submission.OperatorsNotifyClaimedAt = now;
        var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == submission.ResourceId, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (submission, resource);
    }

    private MimeMessage Message(MobiLoudSubmission s, Resource r)
    {
        var values = PublishingService.Values(s);
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"A MobiLoud publishing request was submitted on {s.SubmittedAt:yyyy-MM-dd HH:mm} UTC.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Add-on:   {r.Name} ({r.Id})")
            .AppendLine(CultureInfo.InvariantCulture, $"Plan:     {s.PlanSlugSnapshot}")
            .AppendLine(CultureInfo.InvariantCulture, $"Website:  {s.WebsiteUrlSnapshot}")
            .AppendLine();
        foreach (var section in PublishForm.Sections)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"## {section.Title}");
            foreach (var f in section.Fields)
                body.AppendLine(CultureInfo.InvariantCulture, $"{f.Label}: {values.GetValueOrDefault(f.Name, "")}");
            body.AppendLine();
        }
        body.AppendLine("The app configuration frozen with this request:").AppendLine(s.ConfigSnapshotJson);

        var message = new MimeMessage
        {
            Subject = $"MobiLoud publishing request: {values.GetValueOrDefault("app_name", "")} ({r.Name})",
            MessageId = $"mobiloud-submission-{s.Id}@{mail.MessageIdDomain}",
        };
        message.From.Add(MailboxAddress.Parse(mail.From));
        message.To.Add(MailboxAddress.Parse(mail.OperatorsEmail));
        if (values.GetValueOrDefault("contact_email") is { Length: > 0 } contact && MailboxAddress.TryParse(contact, out var replyTo))
            message.ReplyTo.Add(replyTo);
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }
}
