using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaAclConfiguration : IEntityTypeConfiguration<KafkaAcl>
{
    public void Configure(EntityTypeBuilder<KafkaAcl> b)
    {
        b.ToTable("kafka_acls");
        b.HasKey(a => a.Id);
        b.Property(a => a.Principal).HasMaxLength(120);
        b.Property(a => a.ResourceType).HasMaxLength(20);
        b.Property(a => a.ResourceName).HasMaxLength(249);
        b.Property(a => a.PatternType).HasMaxLength(20);
        b.Property(a => a.Operation).HasMaxLength(30);
        b.HasIndex(a => new { a.ResourceId, a.Principal, a.ResourceType, a.ResourceName, a.PatternType, a.Operation }).IsUnique();
        b.HasOne<Resource>().WithMany().HasForeignKey(a => a.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
