using AddonProvider.Data;
using AddonProvider.Data.Entities;

namespace AddonProvider.Web.AppLogs;

/// <summary>
/// Lines for the customer's app logs (`heroku logs`). A line is a row added to the caller's unit of work, so it commits
/// with what it reports; <see cref="ShipLogsJob"/> posts it to the resource's Logplex drain later, never on a request
/// path. A resource without a drain simply has its lines dropped by the shipper. Callers compose lines from ids,
/// plan names and counts only: never a key, a password, a token or an email.
/// </summary>
public static class AppLog
{
    public const int MaxMessageLength = 1000;

    public static void Write(AddonDbContext db, Guid resourceId, DateTime now, string message) =>
        db.LogEvents.Add(new LogEvent { ResourceId = resourceId, At = now, Message = OneLine(message) });

    /// <summary>Written by ResourceSuspension in the transaction that suspends the resource.</summary>
    public static void Suspended(AddonDbContext db, Guid resourceId, DateTime now) =>
        Write(db, resourceId, now, "Add-on suspended by the provider: its credentials are refused until it is resumed. The dashboard stays readable; contact support for details.");

    /// <summary>Written by ResourceSuspension in the transaction that resumes the resource.</summary>
    public static void Resumed(AddonDbContext db, Guid resourceId, DateTime now) =>
        Write(db, resourceId, now, "Add-on resumed by the provider: its credentials work again.");

    /// <summary>Syslog lines are single lines; control characters would break the frame's readability.</summary>
    public static string OneLine(string message)
    {
        var chars = message.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        var line = new string(chars).Trim();
        return line.Length <= MaxMessageLength ? line : line[..(MaxMessageLength - 1)] + "…";
    }
}
