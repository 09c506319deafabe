using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class KafkaQuotaConfiguration : IEntityTypeConfiguration<KafkaQuota>
{
    public void Configure(EntityTypeBuilder<KafkaQuota> b)
    {
        b.ToTable("kafka_quotas");
        b.HasKey(q => q.ResourceId);
        b.Property(q => q.PlanSlug).HasMaxLength(60);
        b.HasOne<Resource>().WithOne().HasForeignKey<KafkaQuota>(q => q.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
