using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// A small SMTP server on a real TCP socket (no SMTP server package is available here): EHLO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT, with PIPELINING. Records every message it accepted (answered 250 to the end of DATA) and every
/// DATA it saw, and lets a test refuse recipients or hold a chosen message or connection until it says what to do.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    public sealed record Message(string From, IReadOnlyList<string> To, string Raw, int Session)
    {
        public string? MessageId => Header("Message-ID");
        public string? Subject => Header("Subject");
        public string Body => Raw[(Raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

        public string? Header(string name)
        {
            foreach (var line in Raw.Split("\r\n"))
            {
                if (line.Length == 0) return null;
                if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)) return line[(name.Length + 1)..].Trim();
            }
            return null;
        }
    }

    /// <summary>What to do with a message or connection a test holds: accept it, or drop the connection without answering.</summary>
    public enum Release { Accept, Drop }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private int _sessionCount;
    private int _dataCount;

    public ConcurrentQueue<Message> Accepted { get; } = new();
    public ConcurrentQueue<Message> Seen { get; } = new();

    /// <summary>RCPT TO reply for an address, e.g. "451 4.3.0 try later"; null accepts.</summary>
    public Func<string, string?> RecipientReply { get; set; } = _ => null;

    /// <summary>Holds the DATA whose 1-based overall number this returns true for (before answering).</summary>
    public Func<int, bool> HoldData { get; set; } = _ => false;

    /// <summary>Holds the greeting of the connection whose 1-based number this returns true for.</summary>
    public Func<int, bool> HoldGreeting { get; set; } = _ => false;

    public TaskCompletionSource<Message?> Held { get; private set; } = NewHeld();
    private TaskCompletionSource<Release> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Url => $"smtp://127.0.0.1:{Port}";
    public int Sessions => _sessionCount;

    public SmtpListener()
    {
        _listener.Start(512);
        _ = AcceptLoopAsync();
    }

    /// <summary>Arms a new hold: the DATA or connection (1-based, counted over this server's life) to hold next.</summary>
    public void ResetHold(Func<int, bool>? dataNumber = null, Func<int, bool>? greetingNumber = null)
    {
        Held = NewHeld();
        _release = new TaskCompletionSource<Release>(TaskCreationOptions.RunContinuationsAsynchronously);
        HoldData = dataNumber ?? (_ => false);
        HoldGreeting = greetingNumber ?? (_ => false);
    }

    public void ReleaseHeld(Release how)
    {
        HoldData = _ => false;
        HoldGreeting = _ => false;
        _release.TrySetResult(how);
    }

    public IReadOnlyList<Message> AcceptedFor(string address) =>
        Accepted.Where(m => m.To.Any(t => t.Equals(address, StringComparison.OrdinalIgnoreCase))).ToList();

    private static TaskCompletionSource<Message?> NewHeld() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            var number = Interlocked.Increment(ref _sessionCount);
            _sessions.Add(Task.Run(() => SessionAsync(client, number)));
        }
    }

    private async Task SessionAsync(TcpClient client, int number)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = false };
        async Task Reply(string line) { await writer.WriteLineAsync(line); await writer.FlushAsync(); }
        try
        {
            if (HoldGreeting(number) && await HoldAsync(null) == Release.Drop) return;
            await Reply("220 test-smtp ESMTP");
            string from = "";
            var to = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Reply("250-test-smtp\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760");
                        break;
                    case "HELO": await Reply("250 test-smtp"); break;
                    case "MAIL": from = Address(line); to.Clear(); await Reply("250 2.1.0 ok"); break;
                    case "RCPT":
                        var rcpt = Address(line);
                        if (RecipientReply(rcpt) is { } refusal) await Reply(refusal);
                        else { to.Add(rcpt); await Reply("250 2.1.5 ok"); }
                        break;
                    case "DATA":
                        if (to.Count == 0) { await Reply("554 5.5.1 no valid recipients"); break; }
                        await Reply("354 go ahead");
                        var raw = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            raw.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        var message = new Message(from, to.ToList(), raw.ToString(), number);
                        Seen.Enqueue(message);
                        if (HoldData(Interlocked.Increment(ref _dataCount)) && await HoldAsync(message) == Release.Drop) return;
                        Accepted.Enqueue(message);
                        await Reply("250 2.0.0 queued");
                        to.Clear();
                        break;
                    case "RSET": to.Clear(); await Reply("250 ok"); break;
                    case "NOOP": await Reply("250 ok"); break;
                    case "QUIT": await Reply("221 bye"); return;
                    default: await Reply("502 5.5.2 not implemented"); break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    private async Task<Release> HoldAsync(Message? message)
    {
        Held.TrySetResult(message);
        return await _release.Task;
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<');
        var end = line.IndexOf('>', start + 1);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':') + 1)..].Trim();
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult(Release.Drop);
        await _stop.CancelAsync();
        _listener.Stop();
        try { await Task.WhenAll(_sessions).WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
    }
}
