using System.Globalization;
using System.Text;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Security.Mail;
using MimeKit;

namespace AddonProvider.Web.Security;

/// <summary>
/// The emails about a security report. The team's mails (SECURITY_EMAIL) may quote the report: they go to our own team.
/// None carries a secret — the resource is named by id, product, plan and app name, never by its config. The
/// reporter's acknowledgement names the reference and where answers appear, and quotes nothing.
/// </summary>
public sealed class ReportEmail(MailSettings mail, PublicUrls urls)
{
    /// <summary>The resource a report came from, as far as it still exists (a purged one has no name).</summary>
    public sealed record About(Guid Id, string ProductId, string PlanSlug, string? Name);

    public string MessageId(long mailId) => $"security-report-mail-{mailId}@{mail.MessageIdDomain}";

    /// <summary>The message for <paramref name="m"/>, or null when it must not be sent (the reason in the second item).</summary>
    public (MimeMessage? Message, string? Withheld) Compose(SecurityReportMail m, SecurityReport r, About? resource, ReportDeadlines d)
    {
        var reference = SecurityReportService.Reference(r);
        string to, subject, body;
        switch (m.Kind)
        {
            case SecurityReportMailKind.NewReport:
                (to, subject, body) = (mail.SecurityEmail, $"[{reference}] New security report{Suggested(r)}", NewReport(r, resource, d, reference));
                break;
            case SecurityReportMailKind.Acknowledgement:
                // Only the address Heroku vouched for; a pseudonymised (purged) or since-unverified one is never mailed.
                if (!r.ReporterEmailVerified || !MailboxAddress.TryParse(r.ReporterEmail, out var box) || !box.Address.Contains('@'))
                    return (null, "the reporter's address is not verified");
                (to, subject, body) = (box.Address, $"We received your security report {reference}", Acknowledgement(r, reference));
                break;
            case SecurityReportMailKind.AcknowledgeOverdue:
                if (r.AcknowledgedAt is not null || r.AcknowledgeBy != m.Deadline) return (null, "the deadline was met or moved before the alert went out");
                (to, subject, body) = (mail.SecurityEmail, $"[{reference}] OVERDUE: no operator reply by {m.Deadline:yyyy-MM-dd HH:mm} UTC",
                    Overdue(r, resource, d, reference, $"No operator has replied; the acknowledge deadline was {m.Deadline:yyyy-MM-dd HH:mm} UTC."));
                break;
            default:
                if (ReportClock.IsClosed(r.Status) || r.ResolveBy != m.Deadline) return (null, "the deadline was met or moved before the alert went out");
                (to, subject, body) = (mail.SecurityEmail, $"[{reference}] OVERDUE: not resolved by {m.Deadline:yyyy-MM-dd HH:mm} UTC",
                    Overdue(r, resource, d, reference, $"The report is not resolved; the fix-or-mitigate deadline was {m.Deadline:yyyy-MM-dd HH:mm} UTC."));
                break;
        }
        var message = new MimeMessage { Subject = subject, MessageId = MessageId(m.Id) };
        message.From.Add(MailboxAddress.Parse(mail.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add("X-Security-Report", reference);
        message.Body = new TextPart("plain") { Text = body };
        return (message, null);
    }

    private static string Suggested(SecurityReport r) => r.SuggestedSeverity is { } s ? $" (reporter suggests {s.Stored()})" : "";

    private string NewReport(SecurityReport r, About? resource, ReportDeadlines d, string reference)
    {
        var b = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"A security report was filed on {r.CreatedAt:yyyy-MM-dd HH:mm} UTC: {reference}.")
            .AppendLine();
        Facts(b, r, resource, d);
        b.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Reporter: {r.ReporterEmail} ({(r.ReporterEmailVerified ? "verified: replies are emailed" : "not verified: replies appear on the report's dashboard page only")})")
            .AppendLine(CultureInfo.InvariantCulture, $"Name:     {r.ReporterName ?? "(not given)"}")
            .AppendLine()
            .AppendLine("The report:")
            .AppendLine("> " + r.Text.Replace("\n", "\n> ", StringComparison.Ordinal))
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Triage: {urls.Combine($"/admin/security-reports/{r.Id}")}");
        return b.ToString();
    }

    private string Overdue(SecurityReport r, About? resource, ReportDeadlines d, string reference, string what)
    {
        var b = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{reference}: {what}").AppendLine();
        Facts(b, r, resource, d);
        b.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Triage: {urls.Combine($"/admin/security-reports/{r.Id}")}");
        return b.ToString();
    }

    private static void Facts(StringBuilder b, SecurityReport r, About? resource, ReportDeadlines d)
    {
        b.AppendLine(CultureInfo.InvariantCulture, $"Severity: {(r.Severity is { } s ? s.Stored() : "untriaged (counts as critical)")}{Suggested(r)}")
            .AppendLine(CultureInfo.InvariantCulture, $"Status:   {r.Status.Stored()}")
            .AppendLine(CultureInfo.InvariantCulture, $"Acknowledge by (an operator's reply): {d.AcknowledgeBy:yyyy-MM-dd HH:mm} UTC{(r.AcknowledgedAt is { } a ? $", replied {a:yyyy-MM-dd HH:mm} UTC" : "")}")
            .AppendLine(CultureInfo.InvariantCulture, $"Fix or mitigate by: {d.ResolveBy:yyyy-MM-dd HH:mm} UTC");
        if (resource is not null)
            b.AppendLine(CultureInfo.InvariantCulture, $"Add-on:   {resource.ProductId}:{resource.PlanSlug}, {resource.Name ?? "(purged)"} ({resource.Id})");
        else if (r.ResourceId is { } id)
            b.AppendLine(CultureInfo.InvariantCulture, $"Add-on:   {id} (no longer on record)");
    }

    private string Acknowledgement(SecurityReport r, string reference)
    {
        var page = r.ResourceId is { } id ? urls.Combine($"/dashboard/{id}/security/reports/{r.Id}") : null;
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Thank you for your security report of {r.CreatedAt:yyyy-MM-dd HH:mm} UTC. Its reference is {reference}; please quote it if you write to us about it.")
            .AppendLine()
            .AppendLine("Our security team has been told. An operator will answer within the time our security policy (SECURITY.md, \"What we promise\") gives for its severity — 4 hours for a critical report — by email to this address and on the report's page in your add-on's dashboard.")
            .AppendLine()
            .AppendLine("This message is an automatic acknowledgement, not yet our answer.")
            .AppendLine(page is null ? "" : $"The report's page (open your add-on from Heroku first): {page}")
            .ToString();
    }
}
