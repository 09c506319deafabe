using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class SecurityReportConfiguration : IEntityTypeConfiguration<SecurityReport>
{
    public void Configure(EntityTypeBuilder<SecurityReport> b)
    {
        b.ToTable("security_reports");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.ReporterEmail).HasMaxLength(320);
        b.Property(r => r.ReporterName).HasMaxLength(200);
        b.Property(r => r.Text).HasMaxLength(20_000);
        b.Property(r => r.Notes).HasMaxLength(20_000);
        b.Property(r => r.Status).HasConversion(new LowerCaseEnumConverter<SecurityReportStatus>()).HasMaxLength(10);
        b.Property(r => r.Version).IsRowVersion().HasColumnName("xmin");
        b.HasIndex(r => new { r.Status, r.CreatedAt });
        b.Property(r => r.Number).HasDefaultValueSql("nextval('security_report_numbers')");
        b.HasIndex(r => r.Number).IsUnique();
        b.Property(r => r.SuggestedSeverity).HasConversion(new LowerCaseEnumConverter<AdvisorySeverity>()).HasMaxLength(10);
        b.Property(r => r.Severity).HasConversion(new LowerCaseEnumConverter<AdvisorySeverity>()).HasMaxLength(10);
        // Reports outlive resources (no FK): a report about a since-purged resource is still evidence.
    }
}
