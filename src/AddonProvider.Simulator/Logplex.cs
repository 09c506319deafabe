using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace AddonProvider.Simulator;

/// <summary>One POST Logplex accepted: its declared count, its frames (syslog messages without their octet counts).</summary>
public sealed record LogplexPost(int MsgCount, IReadOnlyList<string> Frames, string? UserAgent, DateTime At);

/// <summary>One POST Logplex refused, and why (framing, content type, credential, a fault a test asked for).</summary>
public sealed record LogplexRejection(int Status, string Reason, DateTime At);

public sealed record LogplexFault(int Status, int Count);

/// <summary>What the simulated Logplex received, per drain token, and the faults tests set per token.</summary>
public sealed class LogplexState
{
    public ConcurrentDictionary<string, ConcurrentQueue<LogplexPost>> Posts { get; } = new();
    public ConcurrentDictionary<string, ConcurrentQueue<LogplexRejection>> Rejections { get; } = new();
    public ConcurrentDictionary<string, int> FaultsLeft { get; } = new();
    public ConcurrentDictionary<string, int> FaultStatus { get; } = new();
}

/// <summary>
/// Heroku's Logplex HTTP input as an add-on partner uses it (Dev Center, "Writing to Application Logs as an Add-on
/// Partner"): <c>POST /logs</c> with Basic auth <c>token:&lt;drain token&gt;</c> (the user-info of the app's
/// <c>log_input_url</c>), <c>Content-Type: application/logplex-1</c>, <c>Logplex-Msg-Count</c> equal to the number of frames,
/// and a body of octet-counted syslog messages (<c>&lt;length&gt; SP &lt;message of exactly that many bytes&gt;</c>).
/// Anything else is answered 400/401 and recorded as a rejection with the reason. Control routes under <c>/_logplex</c>:
/// a new drain URL, what a token received, faults for a token.
/// </summary>
public static class LogplexSimulator
{
    public const string Path = "/logs";

    public static void Map(WebApplication app, LogplexState state)
    {
        app.MapPost(Path, async (HttpContext http) =>
        {
            var body = await ReadAllAsync(http.Request.Body);
            var token = Token(http.Request.Headers.Authorization.ToString());
            if (token is null) return Reject(state, "(none)", 401, "Basic auth token:<drain token> is required");
            if (state.FaultsLeft.TryGetValue(token, out var left) && left > 0)
            {
                state.FaultsLeft[token] = left - 1;
                var status = state.FaultStatus.GetValueOrDefault(token, 503);
                return Reject(state, token, status, "simulated fault");
            }
            if (http.Request.ContentType != "application/logplex-1")
                return Reject(state, token, 400, $"Content-Type must be application/logplex-1, was '{http.Request.ContentType}'");
            if (!int.TryParse(http.Request.Headers["Logplex-Msg-Count"], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                return Reject(state, token, 400, "Logplex-Msg-Count header missing or not a number");
            var (frames, problem) = Frames(body);
            if (problem is not null) return Reject(state, token, 400, problem);
            if (frames.Count != count)
                return Reject(state, token, 400, $"Logplex-Msg-Count says {count} but the body has {frames.Count} frames");
            if (frames.FirstOrDefault(f => !LooksLikeSyslog(f)) is { } bad)
                return Reject(state, token, 400, $"not an RFC 5424 message: {bad}");
            state.Posts.GetOrAdd(token, _ => new()).Enqueue(new LogplexPost(count, frames, http.Request.Headers.UserAgent.ToString(), DateTime.UtcNow));
            return Results.NoContent();
        });

        app.MapPost("/_logplex/drains", (HttpContext http) =>
        {
            var token = "t." + Guid.NewGuid();
            var request = http.Request;
            return Results.Json(new { token, url = $"{request.Scheme}://token:{token}@{request.Host}{Path}" });
        });
        app.MapGet("/_logplex/{token}", (string token) => Results.Json(new
        {
            posts = state.Posts.TryGetValue(token, out var p) ? p.ToArray() : [],
            rejections = state.Rejections.TryGetValue(token, out var r) ? r.ToArray() : [],
        }));
        app.MapPost("/_logplex/{token}/faults", (string token, LogplexFault fault) =>
        {
            state.FaultStatus[token] = fault.Status;
            state.FaultsLeft[token] = fault.Count;
            return Results.NoContent();
        });
    }

    /// <summary>Splits an octet-counted body; the reason when a count is malformed or does not match its message.</summary>
    public static (List<string> Frames, string? Problem) Frames(byte[] body)
    {
        var frames = new List<string>();
        var i = 0;
        while (i < body.Length)
        {
            var space = Array.IndexOf(body, (byte)' ', i);
            if (space <= i || space - i > 7 || !int.TryParse(Encoding.ASCII.GetString(body, i, space - i), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length == 0)
                return (frames, $"frame {frames.Count + 1}: expected '<octet count> ' at byte {i}");
            if (space + 1 + length > body.Length)
                return (frames, $"frame {frames.Count + 1}: octet count {length} runs past the end of the body");
            var frame = Encoding.UTF8.GetString(body, space + 1, length);
            i = space + 1 + length;
            // A wrong count shifts the next frame: it would not start with a count followed by a syslog priority.
            if (i < body.Length && !StartsWithCount(body, i))
                return (frames, $"frame {frames.Count + 1}: octet count {length} does not end where the next frame starts");
            frames.Add(frame);
        }
        return (frames, null);
    }

    private static bool StartsWithCount(byte[] body, int i)
    {
        var j = i;
        while (j < body.Length && body[j] is >= (byte)'0' and <= (byte)'9') j++;
        return j > i && j + 2 < body.Length && body[j] == ' ' && body[j + 1] == '<';
    }

    /// <summary><c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG</c>.</summary>
    private static bool LooksLikeSyslog(string frame)
    {
        var parts = frame.Split(' ', 8);
        return parts.Length == 8 && parts[0].StartsWith('<') && parts[0].EndsWith(">1", StringComparison.Ordinal)
            && DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }

    private static string? Token(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal)) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..]));
            return pair.StartsWith("token:", StringComparison.Ordinal) && pair.Length > 6 ? pair[6..] : null;
        }
        catch (FormatException) { return null; }
    }

    private static IResult Reject(LogplexState state, string token, int status, string reason)
    {
        state.Rejections.GetOrAdd(token, _ => new()).Enqueue(new LogplexRejection(status, reason, DateTime.UtcNow));
        return Results.Text(reason, statusCode: status);
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

}
