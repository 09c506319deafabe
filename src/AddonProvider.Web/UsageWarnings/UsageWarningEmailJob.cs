using System.Globalization;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace AddonProvider.Web.UsageWarnings;

/// <summary>
/// Emails one usage warning to the resource's contacts — the same verified recipients security advisories use (view
/// resource_contacts: owner email, user access list, verified SSO users; an unverified login's email is never mailed). The
/// warning is claimed (EmailedAt set) before the mail goes, so a second delivery of this job sends nothing; a failed send
/// hands the claim back for Hangfire's retry. Turning warnings off stops a warning not yet mailed.
/// </summary>
public sealed class UsageWarningEmailJob(AddonDbContext db, IMailSender sender, MailSettings mail, Products products, TimeProvider clock) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = long.Parse(argument, CultureInfo.InvariantCulture);
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.UsageWarnings.Where(w => w.Id == id && w.EmailedAt == null).ExecuteUpdateAsync(s => s.SetProperty(w => w.EmailedAt, now), ct) == 0)
            return;
        try
        {
            var warning = await db.UsageWarnings.AsNoTracking().SingleAsync(w => w.Id == id, ct);
            var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == warning.ResourceId, ct);
            if (resource.State != ResourceState.Provisioned || resource.UsageWarningsDisabledAt is not null) return;
            var contacts = await ContactsAsync(db, resource, ct);
            if (contacts.Count == 0) return;
            await using var session = await sender.OpenAsync(ct);
            foreach (var (email, i) in contacts.Select((e, i) => (e, i)))
                await session.SendAsync(Message(warning, resource, email, i), ct);
        }
        catch
        {
            await db.UsageWarnings.Where(w => w.Id == id).ExecuteUpdateAsync(s => s.SetProperty(w => w.EmailedAt, (DateTime?)null), CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Verified contacts of a resource, de-duplicated case-insensitively: the view <c>resource_contacts</c> that security
    /// advisories use (owner email, the user access list, verified SSO users still on it).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ContactsAsync(AddonDbContext db, Resource resource, CancellationToken ct)
    {
        var emails = await db.Database.SqlQuery<string>($"SELECT email AS \"Value\" FROM resource_contacts WHERE resource_id = {resource.Id}").ToListAsync(ct);
        return emails.Select(e => e.Trim()).Where(e => MailboxAddress.TryParse(e, out _)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private MimeMessage Message(UsageWarning w, Resource r, string to, int index)
    {
        var product = products.Info(r.ProductId)?.Name ?? r.ProductId;
        var message = new MimeMessage
        {
            Subject = $"{product} add-on {r.Name ?? r.Id.ToString()}: {w.LimitLabel} at {w.Threshold}% of the plan's limit",
            // Stable per warning and recipient: a resend after a lost answer is recognisably the same message.
            MessageId = $"usage-warning-{w.Id}-{index}@{mail.MessageIdDomain}",
        };
        message.From.Add(MailboxAddress.Parse(mail.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain")
        {
            Text = $"""
                {UsageLimits.Sentence(w.LimitLabel, w.Threshold, w.Used, w.Limit)}

                Add-on: {r.Name} ({r.Id}), {product}, plan {r.PlanSlug}.
                Seen on {w.CreatedAt:yyyy-MM-dd HH:mm} UTC. You get at most one such email per limit and threshold per day.
                The add-on's dashboard shows the current usage.
                """,
        };
        return message;
    }
}
