using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AddonProvider.Web.Inference;

/// <summary><c>tools</c> (function definitions) and <c>tool_choice</c>, as Heroku's chat API takes them.</summary>
public static partial class ChatTools
{
    public const int MaxTools = 128;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    public static string? Check(JsonNode node)
    {
        const string shape = "{\"type\": \"function\", \"function\": {\"name\", \"description\", \"parameters\"}}";
        if (node is not JsonArray tools) return "tools must be an array of tool definitions";
        if (tools.Count > MaxTools) return $"tools may hold at most {MaxTools} tool definitions";
        for (var i = 0; i < tools.Count; i++)
        {
            var at = $"tools[{i}]";
            if (tools[i] is not JsonObject tool || tool["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String
                || t.GetValue<string>() != "function" || tool["function"] is not JsonObject function || tool.Count != 2)
                return $"{at} must be {shape}";
            if (function["name"] is not JsonValue n || n.GetValueKind() != JsonValueKind.String || !FunctionName().IsMatch(n.GetValue<string>()))
                return $"{at}.function.name must be 1 to 64 letters, digits, _ or -";
            foreach (var (name, value) in function)
            {
                var error = name switch
                {
                    "name" => null,
                    "description" => value is null || value.GetValueKind() == JsonValueKind.String ? null : $"{at}.function.description must be a string",
                    "parameters" => value is JsonObject or null ? null : $"{at}.function.parameters must be a JSON Schema object",
                    "strict" => value is null || value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"{at}.function.strict must be a boolean",
                    _ => $"{at}.function.{ChatRequest.Short(name)} is not supported",
                };
                if (error is not null) return error;
            }
        }
        return null;
    }

    public static string? CheckChoice(JsonNode node, JsonArray? tools)
    {
        const string shape = "tool_choice must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\"}}";
        if (node.GetValueKind() == JsonValueKind.String)
        {
            var choice = node.GetValue<string>();
            if (choice is not ("none" or "auto" or "required")) return shape;
            return choice != "none" && tools is not { Count: > 0 } ? $"tool_choice {choice} needs tools" : null;
        }
        if (node is not JsonObject o || o["type"]?.GetValueKind() != JsonValueKind.String || o["type"]!.GetValue<string>() != "function"
            || o["function"] is not JsonObject f || f["name"] is not JsonValue n || n.GetValueKind() != JsonValueKind.String || o.Count != 2 || f.Count != 1)
            return shape;
        var wanted = n.GetValue<string>();
        return tools?.Any(t => t?["function"]?["name"]?.GetValue<string>() == wanted) == true
            ? null : $"tool_choice names the function {ChatRequest.Short(wanted)}, which is not in tools";
    }
}
