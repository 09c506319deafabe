using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.ToTable("plans");
        b.HasKey(p => new { p.ProductId, p.Slug });
        b.Property(p => p.ProductId).HasMaxLength(40);
        b.Property(p => p.Slug).HasMaxLength(60);
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.ModelId).HasMaxLength(60);
        b.HasOne<InferenceModel>().WithMany().HasForeignKey(p => p.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
