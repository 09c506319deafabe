using System.Text.Json;
using System.Text.Json.Nodes;

namespace AddonProvider.Web.Inference;

/// <summary>
/// The <c>messages</c> array, rebuilt member by member: text content only (these are text-to-text models), the
/// assistant's tool calls and the tool results that answer them.
/// </summary>
public static class ChatMessages
{
    private static readonly string[] Roles = ["system", "user", "assistant", "tool", "developer"];

    /// <summary>Members an SDK echoes back from an answer (often as null): accepted, never forwarded.</summary>
    private static readonly string[] Dropped = ["refusal", "annotations", "audio", "function_call", "reasoning"];

    public static (JsonArray? Messages, string? Error) Rebuild(JsonNode? node)
    {
        if (node is null || node is JsonArray { Count: 0 }) return (null, "messages is required and cannot be empty");
        if (node is not JsonArray messages) return (null, "messages must be an array of message objects");

        var rebuilt = new JsonArray();
        for (var i = 0; i < messages.Count; i++)
        {
            var (message, error) = RebuildOne(messages[i], $"messages[{i}]");
            if (error is not null) return (null, error);
            rebuilt.Add(message);
        }
        return (rebuilt, null);
    }

    private static (JsonObject?, string?) RebuildOne(JsonNode? node, string at)
    {
        if (node is not JsonObject msg) return (null, $"{at} must be an object with a role and content");
        if (msg["role"] is not JsonValue r || r.GetValueKind() != JsonValueKind.String || !Roles.Contains(r.GetValue<string>()))
            return (null, $"{at}.role must be one of {string.Join(", ", Roles)}");
        var role = r.GetValue<string>();
        var result = new JsonObject { ["role"] = role };

        foreach (var (name, value) in msg)
        {
            if (name == "role" || value is null) continue;
            if (Dropped.Contains(name)) continue;
            var error = name switch
            {
                "content" => null,
                "name" => value.GetValueKind() == JsonValueKind.String ? null : $"{at}.name must be a string",
                "tool_calls" when role == "assistant" => CheckToolCalls(value, $"{at}.tool_calls"),
                "tool_call_id" when role == "tool" => value.GetValueKind() == JsonValueKind.String ? null : $"{at}.tool_call_id must be a string",
                "tool_calls" or "tool_call_id" => $"{at}.{name} is not allowed in a {role} message",
                _ => $"{at}.{ChatRequest.Short(name)} is not supported",
            };
            if (error is not null) return (null, error);
        }

        var content = ChatRequest.Present(msg, "content");
        var hasToolCalls = role == "assistant" && ChatRequest.Present(msg, "tool_calls") is JsonArray { Count: > 0 };
        if (content is null && !hasToolCalls) return (null, $"{at}.content is required");
        if (content is not null && CheckContent(content, $"{at}.content") is { } contentError) return (null, contentError);
        if (role == "tool" && ChatRequest.Present(msg, "tool_call_id") is null) return (null, $"{at}.tool_call_id is required for a tool message");

        foreach (var name in new[] { "content", "name", "tool_calls", "tool_call_id" })
            if (ChatRequest.Present(msg, name) is not null && msg.Remove(name, out var moved))
                result[name] = moved;
        return (result, null);
    }

    private static string? CheckContent(JsonNode content, string at)
    {
        if (content.GetValueKind() == JsonValueKind.String) return null;
        if (content is not JsonArray parts) return $"{at} must be a string or an array of text parts";
        for (var j = 0; j < parts.Count; j++)
        {
            if (parts[j] is not JsonObject part || part["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
                return $"{at}[{j}] must be an object with a type";
            var type = t.GetValue<string>();
            if (type != "text")
                return $"{at}[{j}].type {ChatRequest.Short(type)} is not supported: these models take text only";
            if (part["text"]?.GetValueKind() != JsonValueKind.String) return $"{at}[{j}].text must be a string";
            if (part.Count != 2) return $"{at}[{j}] may only have type and text";
        }
        return null;
    }

    private static string? CheckToolCalls(JsonNode node, string at)
    {
        if (node is not JsonArray calls) return $"{at} must be an array";
        for (var j = 0; j < calls.Count; j++)
        {
            if (calls[j] is not JsonObject call
                || call["id"]?.GetValueKind() != JsonValueKind.String
                || call["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String || t.GetValue<string>() != "function"
                || call["function"] is not JsonObject f
                || f["name"]?.GetValueKind() != JsonValueKind.String
                || f["arguments"]?.GetValueKind() != JsonValueKind.String
                || call.Count != 3 || f.Count != 2)
                return $"{at}[{j}] must be {{\"id\", \"type\": \"function\", \"function\": {{\"name\", \"arguments\"}}}}";
        }
        return null;
    }
}
