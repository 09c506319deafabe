using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> b)
    {
        b.ToTable("resources");
        // The primary key is Heroku's uuid: it is the idempotency constraint for provisioning.
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.ProductId).HasMaxLength(40);
        b.Property(r => r.PlanSlug).HasMaxLength(60);
        b.Property(r => r.OriginalPlanSlug).HasMaxLength(60);
        b.Property(r => r.Region).HasMaxLength(10);
        b.Property(r => r.HerokuRegion).HasMaxLength(100);
        b.Property(r => r.Name).HasMaxLength(300);
        b.Property(r => r.CallbackUrl).HasMaxLength(500);
        b.Property(r => r.HerokuId).HasMaxLength(300);
        b.Property(r => r.ModelId).HasMaxLength(60);
        b.Property(r => r.PublicAppId).HasMaxLength(40);
        b.Property(r => r.OwnerEmail).HasMaxLength(320);
        b.Property(r => r.SuspensionReason).HasMaxLength(500);
        b.Property(r => r.SuspendedBy).HasMaxLength(200);
        b.Ignore(r => r.IsSuspended);
        b.Property(r => r.State).HasConversion(new LowerCaseEnumConverter<ResourceState>()).HasMaxLength(20);
        b.Property(r => r.Version).IsRowVersion().HasColumnName("xmin");
        b.HasIndex(r => r.PublicAppId).IsUnique();
        b.HasIndex(r => new { r.ProductId, r.State, r.CreatedAt });
        // No foreign keys to products/plans: the catalog is append-only (the migrator never deletes a plan) and every
        // provision checks its plan against it, while each key-share lock such a key takes on the one hot plan row became
        // the provisioning bottleneck under concurrent provisions (pgbench: 1,500 -> 1,000 tps with them).
    }
}
