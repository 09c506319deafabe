using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.Jobs;

/// <summary>
/// Replaces customer identifiers with keyed pseudonyms (<see cref="SecretBox.Pseudonym"/>) in what the retention purge
/// keeps. Idempotent: a pseudonym is left as it is, so a second purge changes nothing.
/// </summary>
public sealed partial class Pseudonymiser(SecretBox secrets)
{
    /// <summary>
    /// An audit actor. Operators (<c>admin:subject</c>), Heroku itself (<c>heroku:product</c>) and our own jobs (a
    /// lower-case name such as <c>retention</c>) stay: they are accountable parties, not customers. Anything else is a
    /// customer's identity, <c>kind:identifier</c> (<c>customer:email</c>, <c>heroku-user:id</c>) or a bare email or user
    /// id; its identifier becomes a pseudonym and the kind stays.
    /// </summary>
    public string Actor(string actor)
    {
        if (SystemActor().IsMatch(actor) || actor.StartsWith("admin:", StringComparison.Ordinal) || actor.StartsWith("heroku:", StringComparison.Ordinal)
            || actor.StartsWith(SecretBox.PseudonymPrefix, StringComparison.Ordinal))
            return actor;
        var kinded = KindedActor().Match(actor);
        var (kind, identifier) = kinded.Success ? (kinded.Groups[1].Value + ":", kinded.Groups[2].Value) : ("", actor);
        return kind + Identifier(identifier);
    }

    /// <summary>An email address or user id on its own.</summary>
    public string Identifier(string identifier) =>
        identifier.StartsWith(SecretBox.PseudonymPrefix, StringComparison.Ordinal) ? identifier : secrets.Pseudonym(identifier);

    /// <summary>Free text with every email address in it replaced, cut to <paramref name="maxLength"/> if a pseudonym made it longer.</summary>
    public string? Text(string? text, int maxLength = int.MaxValue)
    {
        if (text is null) return null;
        var replaced = Email().Replace(text, m => secrets.Pseudonym(m.Value));
        return replaced.Length <= maxLength ? replaced : replaced[..maxLength];
    }

    /// <summary>A JSON document with every email address in its strings (keys included) replaced; still valid JSON.</summary>
    public string? Json(string? json)
    {
        // System.Text.Json may have escaped the @ (or a + in the local part): look at the parsed strings, not the raw text.
        if (json is null || !(json.Contains('@') || json.Contains("\\u0040", StringComparison.OrdinalIgnoreCase))) return json;
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException) { return Text(json); }
        return Walk(node)?.ToJsonString();
    }

    private JsonNode? Walk(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(Text(p.Key)!, Walk(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Walk).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Text(v.GetValue<string>())),
        _ => node?.DeepClone(),
    };

    // Deliberately broad (anything@domain.tld): a false positive only pseudonymises a harmless string.
    [GeneratedRegex(@"[^\s""<>(),;:@\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")]
    private static partial Regex Email();

    [GeneratedRegex("^[a-z]+(?:-[a-z]+)*$")]
    private static partial Regex SystemActor();

    [GeneratedRegex("^([a-z]+(?:-[a-z]+)*):(.+)$", RegexOptions.Singleline)]
    private static partial Regex KindedActor();
}
