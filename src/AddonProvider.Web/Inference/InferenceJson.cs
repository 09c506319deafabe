using System.Text.Json;

namespace AddonProvider.Web.Inference;

public static class InferenceJson
{
    /// <summary>Response options: the inference API spells its own member names (snake_case) with attributes.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
