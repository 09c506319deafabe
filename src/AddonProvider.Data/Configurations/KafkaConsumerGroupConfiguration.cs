using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaConsumerGroupConfiguration : IEntityTypeConfiguration<KafkaConsumerGroup>
{
    public void Configure(EntityTypeBuilder<KafkaConsumerGroup> b)
    {
        b.ToTable("kafka_consumer_groups");
        b.HasKey(g => g.Id);
        b.Property(g => g.Name).HasMaxLength(249);
        b.HasIndex(g => new { g.ResourceId, g.Name }).IsUnique();
        b.HasOne<Resource>().WithMany().HasForeignKey(g => g.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
