using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class InferenceUsageDayConfiguration : IEntityTypeConfiguration<InferenceUsageDay>
{
    public void Configure(EntityTypeBuilder<InferenceUsageDay> b)
    {
        b.ToTable("inference_usage_days");
        // The upsert's conflict target.
        b.HasKey(u => new { u.ResourceId, u.ModelId, u.Day });
        b.Property(u => u.ModelId).HasMaxLength(60);
        b.HasOne<Resource>().WithMany().HasForeignKey(u => u.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
