namespace AddonProvider.Web.Security.Mail;

/// <summary>
/// Development's mail: each message becomes &lt;Message-ID&gt;.eml under the data folder. A resend overwrites the same
/// file, as a receiving server de-duplicating on Message-ID would.
/// </summary>
public sealed class FileMailSender(MailSettings settings, ILogger<FileMailSender> logger) : IMailSender
{
    public Task<IMailSession> OpenAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(settings.FileDirectory);
        return Task.FromResult<IMailSession>(new Session(settings.FileDirectory, logger));
    }

    private sealed class Session(string directory, ILogger logger) : IMailSession
    {
        public async Task SendAsync(MimeKit.MimeMessage message, CancellationToken ct)
        {
            var name = string.Concat((message.MessageId ?? Guid.NewGuid().ToString()).Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '@' ? c : '_'));
            var path = Path.Combine(directory, name + ".eml");
            await message.WriteToAsync(path, ct);
            logger.LogInformation("Mail to {Recipients} written to {Path}", string.Join(", ", message.To), path);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
