using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaTopicConfiguration : IEntityTypeConfiguration<KafkaTopic>
{
    public void Configure(EntityTypeBuilder<KafkaTopic> b)
    {
        b.ToTable("kafka_topics");
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(249);
        b.HasIndex(t => new { t.ResourceId, t.Name }).IsUnique();
        b.HasOne<Resource>().WithMany().HasForeignKey(t => t.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
