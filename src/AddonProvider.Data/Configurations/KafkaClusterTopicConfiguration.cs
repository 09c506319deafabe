using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaClusterTopicConfiguration : IEntityTypeConfiguration<KafkaClusterTopic>
{
    public void Configure(EntityTypeBuilder<KafkaClusterTopic> b)
    {
        b.ToTable("kafka_cluster_topics");
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(249);
        // One namespace for every tenant, as on a real cluster: the prefix is what keeps them apart.
        b.HasIndex(t => t.Name).IsUnique();
        b.HasIndex(t => t.ResourceId);
        b.HasOne<Resource>().WithMany().HasForeignKey(t => t.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
