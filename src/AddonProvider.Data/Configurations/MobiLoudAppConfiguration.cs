using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class MobiLoudAppConfiguration : IEntityTypeConfiguration<MobiLoudApp>
{
    public void Configure(EntityTypeBuilder<MobiLoudApp> b)
    {
        b.ToTable("mobiloud_apps");
        b.HasKey(a => a.ResourceId);
        b.Property(a => a.ResourceId).ValueGeneratedNever();
        b.Property(a => a.WebsiteUrl).HasMaxLength(2000);
        b.Property(a => a.ConfigJson).HasColumnType("jsonb");
        b.Property(a => a.Version).IsRowVersion().HasColumnName("xmin");
        b.HasOne<Resource>().WithOne().HasForeignKey<MobiLoudApp>(a => a.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
