using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Security.Mail;
using MailKit.Security;
using MimeKit;

namespace AddonProvider.Tests.Security;

/// <summary>Mail to an SMTP server beyond this machine never travels in clear: STARTTLS is required, not opportunistic.</summary>
public sealed class SmtpTlsTests
{
    [Theory]
    [InlineData("smtp://mailer:secret@smtp.example.com:587", SecureSocketOptions.StartTls)]
    [InlineData("smtp://mailer:secret@203.0.113.7:587", SecureSocketOptions.StartTls)]
    [InlineData("smtp://127.0.0.1:2525?tls=required", SecureSocketOptions.StartTls)]
    [InlineData("smtps://mailer:secret@smtp.example.com:465", SecureSocketOptions.SslOnConnect)]
    [InlineData("smtp://relay.internal:25?tls=none", SecureSocketOptions.None)]
    [InlineData("smtp://127.0.0.1:2525", SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData("smtp://localhost:2525", SecureSocketOptions.StartTlsWhenAvailable)]
    public void TlsPolicy_FollowsTheUrl(string url, SecureSocketOptions expected) =>
        Assert.Equal(expected, MailSettings.TlsFor(new Uri(url)));

    [Theory]
    [InlineData("smtp://smtp.example.com:587?tls=maybe", "tls option must be 'none'")]
    [InlineData("smtps://smtp.example.com:465?tls=none", "cannot be combined with ?tls=none")]
    public void TlsPolicy_RefusesWhatItCannotHonour(string url, string message) =>
        Assert.Contains(message, Assert.Throws<InvalidOperationException>(() => MailSettings.TlsFor(new Uri(url))).Message);

    [Fact]
    public async Task RequiredStartTls_AgainstAServerThatDoesNotOfferIt_SendsNothing()
    {
        // The listener offers no STARTTLS, as a server behind a downgrading attacker would look.
        await using var smtp = new SmtpListener();
        var settings = new MailSettings(new Uri($"smtp://mailer:secret@127.0.0.1:{smtp.Port}"), "security@example.test", "", 10, 3, "ops@example.test")
        {
            Tls = SecureSocketOptions.StartTls,
        };
        var error = await Assert.ThrowsAsync<MailDeliveryException>(() => new SmtpMailSender(settings).OpenAsync(CancellationToken.None));

        Assert.True(error.ConnectionLost);
        Assert.DoesNotContain("secret", error.Reason);
        Assert.Empty(smtp.Seen);
    }

    [Fact]
    public async Task LoopbackServerWithoutTls_StillReceivesMail()
    {
        await using var smtp = new SmtpListener();
        var settings = new MailSettings(new Uri(smtp.Url), "security@example.test", "", 10, 3, "ops@example.test") { Tls = MailSettings.TlsFor(new Uri(smtp.Url)) };
        await using (var session = await new SmtpMailSender(settings).OpenAsync(CancellationToken.None))
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("security@example.test"));
            message.To.Add(MailboxAddress.Parse("customer@example.test"));
            message.Subject = "hello";
            message.Body = new TextPart("plain") { Text = "body" };
            await session.SendAsync(message, CancellationToken.None);
        }
        Assert.Single(smtp.Accepted);
    }
}
