namespace AddonProvider.Data.Entities;

/// <summary>What a resource used of one model on one UTC day; upserted (ON CONFLICT) after each served request.</summary>
public sealed class InferenceUsageDay
{
    public Guid ResourceId { get; set; }
    public required string ModelId { get; set; }
    public DateOnly Day { get; set; }
    public long Requests { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public long SearchUnits { get; set; }
}
