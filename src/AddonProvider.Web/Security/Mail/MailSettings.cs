using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Security.Mail;

/// <summary>
/// Outgoing mail. SMTP_URL (smtp://user:pass@host:port with STARTTLS required beyond this machine, smtps:// for TLS on
/// connect, smtp://host:25?tls=none only for a trusted relay) sends through that server;
/// without it (Development only) each message is written as an .eml file under the app's data folder.
/// OPERATORS_EMAIL is where mail for our own team goes (publishing requests, say); SECURITY_EMAIL is our security team's
/// address (new security reports, overdue-report alerts).
/// </summary>
public sealed record MailSettings(Uri? SmtpUrl, string From, string FileDirectory, int BatchSize, int MaxAttempts, string OperatorsEmail)
{
    /// <summary>
    /// How the SMTP connection is secured. smtps:// is TLS on connect; smtp:// to any host but this machine must upgrade
    /// with STARTTLS, and a server that does not offer it is refused (the password and advisory contents never travel in
    /// clear because someone stripped the offer). `?tls=none` is the explicit opt-out for a trusted relay.
    /// </summary>
    public MailKit.Security.SecureSocketOptions Tls { get; init; } = MailKit.Security.SecureSocketOptions.StartTls;

    public static MailKit.Security.SecureSocketOptions TlsFor(Uri smtp)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(smtp.Query);
        var tls = query.TryGetValue("tls", out var v) ? v.ToString() : null;
        if (tls is not (null or "none" or "required"))
            throw new InvalidOperationException($"SMTP_URL's tls option must be 'none' (a trusted relay) or 'required', got '{tls}'.");
        if (smtp.Scheme == "smtps")
        {
            if (tls == "none") throw new InvalidOperationException("SMTP_URL: smtps:// is TLS on connect; it cannot be combined with ?tls=none.");
            return MailKit.Security.SecureSocketOptions.SslOnConnect;
        }
        if (tls == "none") return MailKit.Security.SecureSocketOptions.None;
        // Mail to this machine never crosses a network; a local relay or test server need not speak TLS.
        var loopback = smtp.IsLoopback || (System.Net.IPAddress.TryParse(smtp.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
        return loopback && tls is null ? MailKit.Security.SecureSocketOptions.StartTlsWhenAvailable : MailKit.Security.SecureSocketOptions.StartTls;
    }

    public const string DevFrom = "security@addonprovider.localhost";
    public const string DevOperatorsEmail = "operators@localhost";
    public const string DevSecurityEmail = "security@localhost";

    /// <summary>SECURITY_EMAIL: where new security reports and overdue-report alerts go.</summary>
    public string SecurityEmail { get; init; } = DevSecurityEmail;

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
        var security = settings.Get("SECURITY_EMAIL", DevSecurityEmail);
        if (!MimeKit.MailboxAddress.TryParse(security, out var sec) || !sec.Address.Contains('@'))
            throw new InvalidOperationException($"SECURITY_EMAIL must be an email address, got '{security}'.");
        var batch = settings.GetInt("MAIL_BATCH_SIZE", 200);
        var attempts = settings.GetInt("MAIL_MAX_ATTEMPTS", 5);
        if (batch is < 1 or > 5000) throw new InvalidOperationException("MAIL_BATCH_SIZE must be between 1 and 5000.");
        if (attempts is < 1 or > 50) throw new InvalidOperationException("MAIL_MAX_ATTEMPTS must be between 1 and 50.");
        return new MailSettings(smtp, from, Path.Combine(contentRoot, ".data", "mail"), batch, attempts, operators)
        {
            SecurityEmail = security,
            Tls = smtp is null ? MailKit.Security.SecureSocketOptions.StartTls : TlsFor(smtp),
        };
    }
}
