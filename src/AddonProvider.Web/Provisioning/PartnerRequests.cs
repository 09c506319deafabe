using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddonProvider.Web.Provisioning;

/// <summary>Heroku's v3 provision body (legacy v1 fields accepted). Unknown members are ignored.</summary>
public sealed record ProvisionRequest(
    string? Uuid,
    string? Plan,
    string? Region,
    string? Name,
    [property: JsonPropertyName("callback_url")] string? CallbackUrl,
    Dictionary<string, JsonElement>? Options,
    [property: JsonPropertyName("oauth_grant")] OAuthGrant? OAuthGrant,
    [property: JsonPropertyName("heroku_id")] string? HerokuId,
    [property: JsonPropertyName("log_input_url")] string? LogInputUrl = null)
{
    /// <summary>Never print the drain URL (its user-info is the app's Logplex credential), should this record be logged.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Uuid = {Uuid}, Plan = {Plan}, Region = {Region}, LogInputUrl = {(LogInputUrl is null ? "null" : "(withheld)")}");
        return true;
    }

    /// <summary>Option values are strings on Heroku's side; anything else is read as its JSON text.</summary>
    public string? Option(string key) =>
        Options is not null && Options.TryGetValue(key, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Null => null, _ => v.GetRawText() }
            : null;
}

public sealed record OAuthGrant(string? Code, [property: JsonPropertyName("expires_at")] string? ExpiresAt, string? Type);

/// <summary>Plan change body. Only `plan` is read: the path's id is authoritative.</summary>
public sealed record PlanChangeRequest(string? Plan);

public sealed record ProvisionResponse(string Id, IReadOnlyDictionary<string, string>? Config, string Message);

public sealed record PlanChangeResponse(string Message, IReadOnlyDictionary<string, string>? Config);
