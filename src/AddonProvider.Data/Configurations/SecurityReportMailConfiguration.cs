using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class SecurityReportMailConfiguration : IEntityTypeConfiguration<SecurityReportMail>
{
    public void Configure(EntityTypeBuilder<SecurityReportMail> b)
    {
        b.ToTable("security_report_mails");
        b.HasKey(m => m.Id);
        b.Property(m => m.Kind).HasConversion(new LowerCaseEnumConverter<SecurityReportMailKind>()).HasMaxLength(20);
        b.Property(m => m.Status).HasConversion(new LowerCaseEnumConverter<NotificationStatus>()).HasMaxLength(10);
        b.Property(m => m.LastError).HasMaxLength(500);
        // One mail per (report, kind, deadline): a null deadline (new report, acknowledgement) counts as one value.
        b.HasIndex(m => new { m.ReportId, m.Kind, m.Deadline }).IsUnique().AreNullsDistinct(false);
        b.HasOne<SecurityReport>().WithMany().HasForeignKey(m => m.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
