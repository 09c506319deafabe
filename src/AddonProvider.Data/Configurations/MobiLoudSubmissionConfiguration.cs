using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class MobiLoudSubmissionConfiguration : IEntityTypeConfiguration<MobiLoudSubmission>
{
    public void Configure(EntityTypeBuilder<MobiLoudSubmission> b)
    {
        b.ToTable("mobiloud_submissions");
        b.HasKey(s => s.Id);
        b.HasIndex(s => s.ResourceId).IsUnique();
        b.Property(s => s.Status).HasConversion(new LowerCaseEnumConverter<SubmissionStatus>()).HasMaxLength(20);
        b.Property(s => s.FormJson).HasColumnType("jsonb");
        b.Property(s => s.ConfigSnapshotJson).HasColumnType("jsonb");
        b.Property(s => s.WebsiteUrlSnapshot).HasMaxLength(2000);
        b.Property(s => s.PlanSlugSnapshot).HasMaxLength(60);
        b.Property(s => s.Version).IsRowVersion().HasColumnName("xmin");
        b.Property(s => s.Review).HasConversion(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<SubmissionReview, string>(
            r => r.Name(), s => SubmissionReviews.Parse(s)!.Value)).HasMaxLength(20);
        b.Property(s => s.ReviewedBy).HasMaxLength(200);
        // Submitted rows awaiting the operator email, found without a scan.
        b.HasIndex(s => s.SubmittedAt).HasFilter("operators_notified_at IS NULL AND status = 'submitted'");
        b.HasOne<Resource>().WithMany().HasForeignKey(s => s.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
