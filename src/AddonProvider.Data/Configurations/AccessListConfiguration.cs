using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class AccessListConfiguration : IEntityTypeConfiguration<AccessList>
{
    public void Configure(EntityTypeBuilder<AccessList> b)
    {
        b.ToTable("access_lists");
        b.HasKey(l => l.ResourceId);
        b.Property(l => l.AppId).HasMaxLength(100);
        b.Property(l => l.AppName).HasMaxLength(100);
        b.Property(l => l.TeamId).HasMaxLength(100);
        b.Property(l => l.TeamName).HasMaxLength(100);
        b.Property(l => l.LastError).HasMaxLength(200);
        b.HasOne<Resource>().WithOne().HasForeignKey<AccessList>(l => l.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
