using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class SecurityReportReplyConfiguration : IEntityTypeConfiguration<SecurityReportReply>
{
    public void Configure(EntityTypeBuilder<SecurityReportReply> b)
    {
        b.ToTable("security_report_replies");
        b.HasKey(r => r.Id);
        b.Property(r => r.Author).HasMaxLength(200);
        b.Property(r => r.ToEmail).HasMaxLength(320);
        b.Property(r => r.Body).HasMaxLength(20_000);
        b.Property(r => r.LastError).HasMaxLength(500);
        b.Property(r => r.Status).HasConversion(new LowerCaseEnumConverter<NotificationStatus>()).HasMaxLength(10);
        b.HasIndex(r => r.ReportId);
        b.HasOne<SecurityReport>().WithMany().HasForeignKey(r => r.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
