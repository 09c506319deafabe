using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class AccessListEntryConfiguration : IEntityTypeConfiguration<AccessListEntry>
{
    public void Configure(EntityTypeBuilder<AccessListEntry> b)
    {
        b.ToTable("access_list_entries");
        b.HasKey(e => e.Id);
        b.Property(e => e.HerokuUserId).HasMaxLength(100);
        b.Property(e => e.Email).HasMaxLength(320);
        b.Property(e => e.Source).HasMaxLength(20);
        b.Property(e => e.Role).HasMaxLength(20);
        b.HasIndex(e => new { e.ResourceId, e.Source, e.Email }).IsUnique();
        b.HasOne<Resource>().WithMany().HasForeignKey(e => e.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
