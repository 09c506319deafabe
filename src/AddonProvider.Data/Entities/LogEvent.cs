namespace AddonProvider.Data.Entities;

/// <summary>
/// One line for the customer's app logs, written in the same transaction as what it reports and shipped to the
/// resource's <see cref="LogDrain"/> in batches by a job, which deletes it once Logplex took it. Never holds a secret.
/// </summary>
public sealed class LogEvent
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public DateTime At { get; set; }
    public required string Message { get; set; }
}
