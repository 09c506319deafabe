using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class AdvisoryConfiguration : IEntityTypeConfiguration<Advisory>
{
    public void Configure(EntityTypeBuilder<Advisory> b)
    {
        b.ToTable("advisories");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Title).HasMaxLength(200);
        b.Property(a => a.Severity).HasConversion(new LowerCaseEnumConverter<AdvisorySeverity>()).HasMaxLength(10);
        b.Property(a => a.Status).HasConversion(new LowerCaseEnumConverter<AdvisoryStatus>()).HasMaxLength(10);
        b.Property(a => a.Summary).HasMaxLength(10_000);
        b.Property(a => a.Assessment).HasMaxLength(10_000);
        b.Property(a => a.Mitigation).HasMaxLength(10_000);
        b.Property(a => a.CreatedBy).HasMaxLength(200);
        b.Property(a => a.PublishedBy).HasMaxLength(200);
        b.Property(a => a.Version).IsRowVersion().HasColumnName("xmin");
        b.HasIndex(a => a.FollowUpOf);
        b.HasOne<Advisory>().WithMany().HasForeignKey(a => a.FollowUpOf).OnDelete(DeleteBehavior.Restrict);
    }
}
