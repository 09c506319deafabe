namespace AddonProvider.Data.Entities;

public sealed class KafkaConsumerGroup
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}
