using System.Text.RegularExpressions;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// How tenants share one cluster: every topic and consumer group of a resource is named under the resource's prefix
/// (<c>&lt;resource id, 32 hex&gt;.</c>, handed to the app as KAFKACLUSTER_PREFIX), its users are granted ACLs on that
/// prefix only, and two tenants' names can never meet. Customers type the short name; everything stored and shown is the
/// full name.
/// </summary>
public static partial class KafkaTenancy
{
    /// <summary>Kafka's own limit for a topic name.</summary>
    public const int MaxNameLength = 249;

    public const int PrefixLength = 33;

    /// <summary>What is left of Kafka's 249 characters for the name the customer types.</summary>
    public const int MaxShortNameLength = MaxNameLength - PrefixLength;

    public static string Prefix(Guid resourceId) => $"{resourceId:N}.";

    public static string FullName(Guid resourceId, string shortName) => Prefix(resourceId) + shortName;

    public static bool Owns(Guid resourceId, string fullName) => fullName.StartsWith(Prefix(resourceId), StringComparison.Ordinal);

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex KafkaName();

    /// <summary>Kafka's naming rule applied to the short name, with the room the prefix leaves; null when it is fine.</summary>
    public static string? ShortNameProblem(string kind, string shortName) =>
        shortName is "." or ".." ? $"A {kind} cannot be named '.' or '..'."
        : shortName.Length is 0 or > MaxShortNameLength || !KafkaName().IsMatch(shortName)
            ? $"A {kind} name is 1–{MaxShortNameLength} characters of letters, digits, '.', '_' and '-': "
              + $"Kafka allows {MaxNameLength}, and the {PrefixLength}-character prefix of this add-on comes first."
        : null;
}
