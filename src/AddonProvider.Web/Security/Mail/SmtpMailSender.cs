using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace AddonProvider.Web.Security.Mail;

/// <summary>SMTP through MailKit: one authenticated connection per batch.</summary>
public sealed class SmtpMailSender(MailSettings settings) : IMailSender
{
    public async Task<IMailSession> OpenAsync(CancellationToken ct)
    {
        var url = settings.SmtpUrl!;
        var client = new SmtpClient { Timeout = 60_000 };
        try
        {
            await client.ConnectAsync(url.Host, url.Port, settings.Tls, ct);
            if (url.UserInfo is { Length: > 0 } info && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                var colon = info.IndexOf(':');
                var user = WebUtility.UrlDecode(colon < 0 ? info : info[..colon]);
                var password = colon < 0 ? "" : WebUtility.UrlDecode(info[(colon + 1)..]);
                await client.AuthenticateAsync(user, password, ct);
            }
            return new Session(client);
        }
        // NotSupportedException: STARTTLS is required and the server did not offer it (or an attacker stripped the offer).
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or AuthenticationException or SslHandshakeException or NotSupportedException)
        {
            client.Dispose();
            // The SMTP URL carries a password: the reason names the host only.
            throw new MailDeliveryException($"could not open an SMTP session with {url.Host}:{url.Port}: {e.GetType().Name}", permanent: false, connectionLost: true, e);
        }
    }

    private sealed class Session(SmtpClient client) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            try
            {
                await client.SendAsync(message, ct);
            }
            catch (SmtpCommandException e)
            {
                var code = (int)e.StatusCode;
                var reason = $"SMTP {code}: {Truncate(e.Message)}";
                throw new MailDeliveryException(reason, permanent: code >= 500, connectionLost: !client.IsConnected, e);
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException)
            {
                throw new MailDeliveryException($"connection lost: {e.GetType().Name}", permanent: false, connectionLost: true, e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try { if (client.IsConnected) await client.DisconnectAsync(quit: true); }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException) { /* the batch's outcome is already recorded */ }
            client.Dispose();
        }

        private static string Truncate(string s) => s.Length <= 300 ? s : s[..300];
    }
}
