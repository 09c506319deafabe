using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class AdvisoryTargetConfiguration : IEntityTypeConfiguration<AdvisoryTarget>
{
    public void Configure(EntityTypeBuilder<AdvisoryTarget> b)
    {
        b.ToTable("advisory_targets");
        // One row per (advisory, resource): resolving twice cannot target a resource twice.
        b.HasKey(t => new { t.AdvisoryId, t.ResourceId });
        b.Property(t => t.AcknowledgedBy).HasMaxLength(200);
        // The dashboard banner asks "which advisories does this resource have, unacknowledged?".
        b.HasIndex(t => t.ResourceId);
        b.HasOne<Advisory>().WithMany().HasForeignKey(t => t.AdvisoryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Resource>().WithMany().HasForeignKey(t => t.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
