using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class SsoUserConfiguration : IEntityTypeConfiguration<SsoUser>
{
    public void Configure(EntityTypeBuilder<SsoUser> b)
    {
        b.ToTable("sso_users");
        b.HasKey(u => u.Id);
        b.Property(u => u.UserId).HasMaxLength(100);
        b.Property(u => u.Email).HasMaxLength(320);
        b.HasIndex(u => new { u.ResourceId, u.UserId }).IsUnique();
        b.HasOne<Resource>().WithMany().HasForeignKey(u => u.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
