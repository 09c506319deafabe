namespace AddonProvider.Data.Entities;

public sealed class InferenceModel
{
    public required string Id { get; set; }
    public required ModelKind Kind { get; set; }
    public required string[] Regions { get; set; }
    public int RequestsPerMinute { get; set; }
    public int? TokensPerMinute { get; set; }
}

public enum ModelKind { Rerank, Chat }
