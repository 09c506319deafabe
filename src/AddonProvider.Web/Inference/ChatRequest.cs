using System.Text.Json;
using System.Text.Json.Nodes;

namespace AddonProvider.Web.Inference;

/// <summary>
/// A <c>/v1/chat/completions</c> body checked against Heroku's rules (partner-api.md §8) plus the OpenAI members the
/// official SDKs send, and rebuilt: the upstream receives only what was validated. Anything else is refused by name,
/// the one deliberate exception to "unknown members are accepted".
/// </summary>
public sealed record ChatRequest(JsonObject Upstream, bool Stream, bool ClientAskedForUsage, int? MaxTokens)
{
    /// <summary>Members taken as they are once their check passed (the check is in <see cref="CheckOptional"/>).</summary>
    private static readonly string[] Forwarded =
    [
        "temperature", "top_p", "stop", "tools", "tool_choice", "extended_thinking", "user", "seed",
        "presence_penalty", "frequency_penalty", "response_format", "parallel_tool_calls",
    ];

    private static readonly string[] Handled = ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "n"];

    /// <summary>Validates <paramref name="body"/> (its nodes move into the rebuilt request); the first violation is the answer.</summary>
    public static (ChatRequest? Request, InferenceError? Error) From(JsonObject body)
    {
        foreach (var (name, _) in body)
            if (!Forwarded.Contains(name) && !Handled.Contains(name))
                return Bad($"{Short(name)} is not a supported parameter of /v1/chat/completions");

        var (messages, messagesError) = ChatMessages.Rebuild(body["messages"]);
        if (messagesError is not null) return Bad(messagesError);

        var stream = false;
        if (Present(body, "stream") is { } s)
        {
            if (s.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return Bad("stream must be a boolean");
            stream = s.GetValue<bool>();
        }
        var askedForUsage = false;
        if (Present(body, "stream_options") is { } so)
        {
            if (so is not JsonObject options) return Bad("stream_options must be an object");
            foreach (var (name, value) in options)
            {
                if (name != "include_usage") return Bad($"stream_options.{Short(name)} is not supported");
                if (value is not null && value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    return Bad("stream_options.include_usage must be a boolean");
                askedForUsage = value?.GetValue<bool>() == true;
            }
        }
        if (Present(body, "n") is { } n && !(n.GetValueKind() == JsonValueKind.Number && n.AsValue().TryGetValue<double>(out var count) && count == 1))
            return Bad("n must be 1: these models return one choice per request");

        var (maxTokens, maxError) = InferenceBody.OptionalPositiveInt(body, "max_tokens");
        if (maxError is not null) return (null, maxError);
        var (maxCompletion, completionError) = InferenceBody.OptionalPositiveInt(body, "max_completion_tokens");
        if (completionError is not null) return (null, completionError);

        foreach (var name in Forwarded)
            if (Present(body, name) is { } node && CheckOptional(name, node, body) is { } error)
                return Bad(error);

        var upstream = new JsonObject { ["model"] = null, ["messages"] = messages };
        foreach (var name in Forwarded)
            if (Present(body, name) is not null && body.Remove(name, out var node))
                upstream[name] = node;
        if (stream)
        {
            upstream["stream"] = true;
            upstream["stream_options"] = new JsonObject { ["include_usage"] = true }; // we need the real token count
        }
        int? cap = maxTokens is null && maxCompletion is null ? null : Math.Max(maxTokens ?? 0, maxCompletion ?? 0);
        return (new ChatRequest(upstream, stream, askedForUsage, cap), null);
    }

    private static string? CheckOptional(string name, JsonNode node, JsonObject body) => name switch
    {
        "temperature" => Number(node, 0, 1) ? null : "temperature must be a number between 0 and 1",
        "top_p" => Number(node, 0, 1) ? null : "top_p must be a number between 0 and 1",
        "presence_penalty" or "frequency_penalty" => Number(node, -2, 2) ? null : $"{name} must be a number between -2 and 2",
        "seed" => node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out _) ? null : "seed must be an integer",
        "user" => node.GetValueKind() == JsonValueKind.String ? null : "user must be a string",
        "parallel_tool_calls" => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "parallel_tool_calls must be a boolean",
        "stop" => node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => null,
            JsonArray a when a.Count <= 4 && a.All(x => x?.GetValueKind() == JsonValueKind.String) => null,
            _ => "stop must be a string or an array of up to 4 strings",
        },
        "tools" => ChatTools.Check(node),
        "tool_choice" => ChatTools.CheckChoice(node, Present(body, "tools") as JsonArray),
        "extended_thinking" => CheckThinking(node),
        "response_format" => CheckResponseFormat(node),
        _ => null,
    };

    private static string? CheckThinking(JsonNode node)
    {
        if (node is not JsonObject o) return "extended_thinking must be an object with enabled, budget_tokens and include_reasoning";
        foreach (var (name, value) in o)
        {
            var ok = name switch
            {
                "enabled" or "include_reasoning" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                "budget_tokens" => value?.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<int>(out var b) && b >= 1024,
                _ => false,
            };
            if (!ok) return name switch
            {
                "enabled" or "include_reasoning" => $"extended_thinking.{name} must be a boolean",
                "budget_tokens" => "extended_thinking.budget_tokens must be an integer of at least 1024",
                _ => $"extended_thinking.{Short(name)} is not supported",
            };
        }
        return null;
    }

    private static string? CheckResponseFormat(JsonNode node)
    {
        const string shape = "response_format must be {\"type\": \"text\"}, {\"type\": \"json_object\"} or {\"type\": \"json_schema\", \"json_schema\": {...}}";
        if (node is not JsonObject o || o["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String) return shape;
        return (t.GetValue<string>(), o.Count) switch
        {
            ("text" or "json_object", 1) => null,
            ("json_schema", 2) when o["json_schema"] is JsonObject schema && schema["name"]?.GetValueKind() == JsonValueKind.String => null,
            _ => shape,
        };
    }

    private static bool Number(JsonNode node, double min, double max) =>
        node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d >= min && d <= max;

    /// <summary>A member that is there and not null (SDKs send <c>null</c> for "not set").</summary>
    internal static JsonNode? Present(JsonObject o, string name) => o.TryGetPropertyValue(name, out var n) ? n : null;

    internal static string Short(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static (ChatRequest?, InferenceError?) Bad(string message) => (null, InferenceError.BadRequest(message));
}
