using System.Text;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Security.Mail;
using MimeKit;

namespace AddonProvider.Web.Security;

/// <summary>
/// The one place an advisory becomes an email. Preview and delivery both call it, so the preview is exactly what
/// a customer receives. The Message-ID depends only on the advisory and the notification, so a resend after a crash
/// carries the same id and a receiving server (or the reader's client) can drop the duplicate.
/// </summary>
public sealed class AdvisoryEmail(MailSettings mail, PublicUrls urls)
{
    public sealed record AffectedResource(Guid Id, string ProductId, string Plan, string? Name);

    public string MessageId(Guid advisoryId, long notificationId) => $"advisory-{advisoryId:N}-{notificationId}@{mail.MessageIdDomain}";

    public MimeMessage Compose(Advisory a, Advisory? parent, string to, IReadOnlyList<AffectedResource> resources, string messageId)
    {
        var message = new MimeMessage { Subject = Subject(a), MessageId = messageId };
        message.From.Add(MailboxAddress.Parse(mail.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Date = a.PublishedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : DateTimeOffset.UtcNow;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Advisory-Id", a.Id.ToString());
        message.Body = new TextPart("plain") { Text = Text(a, parent, resources) };
        return message;
    }

    public static string Subject(Advisory a) =>
        $"[Security advisory{(a.FollowUpOf is null ? "" : " update")}] [{a.Severity.ToString().ToUpperInvariant()}] {a.Title}";

    public string Text(Advisory a, Advisory? parent, IReadOnlyList<AffectedResource> resources)
    {
        var t = new StringBuilder();
        t.Append("Severity: ").AppendLine(a.Severity.ToString().ToLowerInvariant());
        if (a.CveIds.Count > 0) t.Append("CVE: ").AppendLine(string.Join(", ", a.CveIds));
        if (parent is not null)
            t.AppendLine().Append("This is an update to the advisory \"").Append(parent.Title).Append("\" of ")
                .Append(parent.PublishedAt?.ToString("yyyy-MM-dd") ?? "").AppendLine(".");
        t.AppendLine().AppendLine("Your affected add-ons:");
        foreach (var r in resources)
            t.Append("  - ").Append(r.ProductId).Append(' ')
                .Append(r.Name ?? r.Id.ToString()).Append(" (plan ").Append(r.Plan).Append(", id ").Append(r.Id).AppendLine(")");
        Section(t, "What happened", a.Summary);
        Section(t, "How to check whether you are exposed", a.Assessment);
        Section(t, "What to do", a.Mitigation);
        if (a.Links.Count > 0)
        {
            t.AppendLine().AppendLine("More information:");
            foreach (var l in a.Links) t.Append("  ").AppendLine(l);
        }
        t.AppendLine().AppendLine("You can acknowledge this notice on your add-on's dashboard (open it from the Heroku Dashboard).")
            .Append("Questions or a security concern of your own? Reply to this email or use \"Report a security concern\" on the dashboard (")
            .Append(urls.Root).AppendLine(").");
        return t.ToString();
    }

    private static void Section(StringBuilder t, string heading, string body) =>
        t.AppendLine().AppendLine(heading).AppendLine(new string('-', heading.Length)).AppendLine(body);
}
