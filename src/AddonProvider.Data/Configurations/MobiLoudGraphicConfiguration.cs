using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class MobiLoudGraphicConfiguration : IEntityTypeConfiguration<MobiLoudGraphic>
{
    public void Configure(EntityTypeBuilder<MobiLoudGraphic> b)
    {
        b.ToTable("mobiloud_graphics");
        b.HasKey(g => new { g.ResourceId, g.Kind });
        b.Property(g => g.Kind).HasMaxLength(20);
        b.Property(g => g.ContentType).HasMaxLength(40);
        b.Property(g => g.FileName).HasMaxLength(255);
        b.HasOne<Resource>().WithMany().HasForeignKey(g => g.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
