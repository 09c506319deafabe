using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(40);
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.ConfigVarPrefix).HasMaxLength(40);
        b.HasMany(p => p.Plans).WithOne().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
