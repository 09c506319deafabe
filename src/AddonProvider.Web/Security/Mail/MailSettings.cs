using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Security.Mail;

/// <summary>
/// Outgoing mail. SMTP_URL (smtp://user:pass@host:port, or smtps:// for TLS on connect) sends through that server;
/// without it (Development only) each message is written as an .eml file under the app's data folder.
/// OPERATORS_EMAIL is where mail for our own team goes (publishing requests, say).
/// </summary>
public sealed record MailSettings(Uri? SmtpUrl, string From, string FileDirectory, int BatchSize, int MaxAttempts, string OperatorsEmail)
{
    public const string DevFrom = "security@addonprovider.localhost";
    public const string DevOperatorsEmail = "operators@localhost";

    public string MessageIdDomain => From[(From.LastIndexOf('@') + 1)..].Trim('>', ' ');

    public static MailSettings Load(Settings settings, string contentRoot)
    {
        Uri? smtp = null;
        var raw = settings.Get("SMTP_URL", "");
        if (raw.Length > 0 && (!Uri.TryCreate(raw, UriKind.Absolute, out smtp) || smtp.Scheme is not ("smtp" or "smtps") || smtp.Port <= 0))
            throw new InvalidOperationException("SMTP_URL must look like smtp://user:pass@host:port (or smtps://).");
        var from = settings.Get("MAIL_FROM", DevFrom);
        if (!MimeKit.MailboxAddress.TryParse(from, out var mailbox) || !mailbox.Address.Contains('@'))
            throw new InvalidOperationException($"MAIL_FROM must be an email address, got '{from}'.");
        var operators = settings.Get("OPERATORS_EMAIL", DevOperatorsEmail);
        if (!MimeKit.MailboxAddress.TryParse(operators, out var ops) || !ops.Address.Contains('@'))
            throw new InvalidOperationException($"OPERATORS_EMAIL must be an email address, got '{operators}'.");
        var batch = settings.GetInt("MAIL_BATCH_SIZE", 200);
        var attempts = settings.GetInt("MAIL_MAX_ATTEMPTS", 5);
        if (batch is < 1 or > 5000) throw new InvalidOperationException("MAIL_BATCH_SIZE must be between 1 and 5000.");
        if (attempts is < 1 or > 50) throw new InvalidOperationException("MAIL_MAX_ATTEMPTS must be between 1 and 50.");
        return new MailSettings(smtp, from, Path.Combine(contentRoot, ".data", "mail"), batch, attempts, operators);
    }
}
