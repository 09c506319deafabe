using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class AdvisoryNotificationConfiguration : IEntityTypeConfiguration<AdvisoryNotification>
{
    public void Configure(EntityTypeBuilder<AdvisoryNotification> b)
    {
        b.ToTable("advisory_notifications");
        b.HasKey(n => n.Id);
        b.Property(n => n.EmailKey).HasMaxLength(320);
        b.Property(n => n.Email).HasMaxLength(320);
        b.Property(n => n.Status).HasConversion(new LowerCaseEnumConverter<NotificationStatus>()).HasMaxLength(10);
        b.Property(n => n.LastError).HasMaxLength(500);
        // The idempotency constraint of the fan-out: one email per advisory and recipient, however often it runs.
        b.HasIndex(n => new { n.AdvisoryId, n.EmailKey }).IsUnique();
        b.HasIndex(n => new { n.AdvisoryId, n.Batch, n.Status });
        b.HasOne<Advisory>().WithMany().HasForeignKey(n => n.AdvisoryId).OnDelete(DeleteBehavior.Cascade);
    }
}
