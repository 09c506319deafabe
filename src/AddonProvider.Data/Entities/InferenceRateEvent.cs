namespace AddonProvider.Data.Entities;

/// <summary>
/// One admitted inference request in a resource's sliding one-minute window for one model. Counting these
/// rows under a per-(resource, model) advisory lock is what makes requests/min exact across web dynos.
/// <see cref="Tokens"/> starts as the admission-time reservation and is settled to the real usage afterwards.
/// Rows older than the window are deleted as the window moves.
/// </summary>
public sealed class InferenceRateEvent
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string ModelId { get; set; }
    public DateTime At { get; set; }
    public int Tokens { get; set; }
}
