using System.Globalization;
using System.Text;

namespace AddonProvider.Web.AppLogs;

/// <summary>
/// Logplex's HTTP input format (Heroku Dev Center, "Writing to Application Logs as an Add-on Partner"): a POST with
/// <c>Content-Type: application/logplex-1</c>, <c>Logplex-Msg-Count</c> = the number of frames, and a body of
/// octet-counted RFC 5424 syslog messages: <c>&lt;byte length&gt; SP &lt;190&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID - - MSG</c>.
/// The app shows a line as <c>app[&lt;procid&gt;]: MSG</c>; our procid is the add-on's id. HOSTNAME is a fixed word:
/// Logplex routes by the credential of the POST, and the line must not repeat that credential.
/// </summary>
public static class LogplexFrames
{
    public const string ContentType = "application/logplex-1";
    public const string MsgCountHeader = "Logplex-Msg-Count";

    /// <summary>local7.info: Logplex's documented priority for add-on lines.</summary>
    private const string Priority = "<190>1";

    public static string Frame(DateTime at, string procId, string message)
    {
        var syslog = $"{Priority} {at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture)} host app {procId} - - {message}";
        return $"{Encoding.UTF8.GetByteCount(syslog).ToString(CultureInfo.InvariantCulture)} {syslog}";
    }

    public static byte[] Body(IEnumerable<string> frames) => Encoding.UTF8.GetBytes(string.Concat(frames));
}
