using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class UsageWarningConfiguration : IEntityTypeConfiguration<UsageWarning>
{
    public void Configure(EntityTypeBuilder<UsageWarning> b)
    {
        b.ToTable("usage_warnings");
        b.HasKey(w => w.Id);
        b.Property(w => w.LimitKey).HasMaxLength(100);
        b.Property(w => w.LimitLabel).HasMaxLength(200);
        // Once per (resource, limit, threshold, day): across dynos, retries and repeated samples.
        b.HasIndex(w => new { w.ResourceId, w.LimitKey, w.Threshold, w.Day }).IsUnique();
        b.HasOne<Resource>().WithMany().HasForeignKey(w => w.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsageStreakConfiguration : IEntityTypeConfiguration<UsageStreak>
{
    public void Configure(EntityTypeBuilder<UsageStreak> b)
    {
        b.ToTable("usage_streaks");
        b.HasKey(s => new { s.ResourceId, s.LimitKey, s.Threshold });
        b.Property(s => s.LimitKey).HasMaxLength(100);
        b.HasOne<Resource>().WithMany().HasForeignKey(s => s.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
