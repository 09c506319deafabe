using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaUserConfiguration : IEntityTypeConfiguration<KafkaUser>
{
    public void Configure(EntityTypeBuilder<KafkaUser> b)
    {
        b.ToTable("kafka_users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Username).HasMaxLength(100);
        // Creating a user twice (a retried job) hits this and changes nothing.
        b.HasIndex(u => u.Username).IsUnique();
        b.HasIndex(u => u.ResourceId);
        b.HasOne<Resource>().WithMany().HasForeignKey(u => u.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
