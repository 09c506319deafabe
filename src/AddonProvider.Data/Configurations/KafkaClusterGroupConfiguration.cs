using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaClusterGroupConfiguration : IEntityTypeConfiguration<KafkaClusterGroup>
{
    public void Configure(EntityTypeBuilder<KafkaClusterGroup> b)
    {
        b.ToTable("kafka_cluster_groups");
        b.HasKey(g => g.Id);
        b.Property(g => g.GroupId).HasMaxLength(249);
        b.HasIndex(g => g.GroupId).IsUnique();
        b.HasIndex(g => g.ResourceId);
        b.HasOne<Resource>().WithMany().HasForeignKey(g => g.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
