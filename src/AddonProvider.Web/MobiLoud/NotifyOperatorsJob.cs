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
/// Emails a submitted publishing request to the operators (OPERATORS_EMAIL), then records that it did. The row is
/// locked while the mail goes out, so two deliveries of this job send once; a crash between the server's
/// acceptance and the commit sends again, with the same Message-ID for the receiving side to de-duplicate.
/// </summary>
public sealed class NotifyOperatorsJob(AddonDbContext db, IMailSender sender, MailSettings mail, TimeProvider clock) : IJob
{
    public const string Kind = "mobiloud.notify-operators";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = long.Parse(argument, CultureInfo.InvariantCulture);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // xmin is a system column, so `*` leaves it out.
        var submission = (await db.MobiLoudSubmissions.FromSql($"SELECT *, xmin FROM mobiloud_submissions WHERE id = {id} FOR UPDATE").ToListAsync(ct))
            .SingleOrDefault();
        if (submission is not { Status: SubmissionStatus.Submitted, OperatorsNotifiedAt: null }) return;
        var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == submission.ResourceId, ct);

        await using (var session = await sender.OpenAsync(ct))
            await session.SendAsync(Message(submission, resource), ct); // a failure escapes: Hangfire retries

        submission.OperatorsNotifiedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
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
