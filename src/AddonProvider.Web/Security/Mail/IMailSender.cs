using MimeKit;

namespace AddonProvider.Web.Security.Mail;

/// <summary>Opens one connection for a batch of messages, so a batch pays the connection set-up once.</summary>
public interface IMailSender
{
    Task<IMailSession> OpenAsync(CancellationToken ct);
}

public interface IMailSession : IAsyncDisposable
{
    /// <summary>Returns when the server has accepted the message; throws <see cref="MailDeliveryException"/> otherwise.</summary>
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>
/// Why a message was not accepted. <see cref="Permanent"/>: this message will never go (5xx, bad address) — mark it failed.
/// <see cref="ConnectionLost"/>: the session is unusable; the rest of the batch waits for a retry.
/// </summary>
public sealed class MailDeliveryException(string reason, bool permanent, bool connectionLost, Exception? inner = null)
    : Exception(reason, inner)
{
    public string Reason => Message;
    public bool Permanent { get; } = permanent;
    public bool ConnectionLost { get; } = connectionLost;
}
