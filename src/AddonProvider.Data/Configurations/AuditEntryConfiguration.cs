using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.HasKey(a => a.Id);
        b.Property(a => a.Actor).HasMaxLength(200);
        b.Property(a => a.Action).HasMaxLength(60);
        b.Property(a => a.ProductId).HasMaxLength(40);
        b.Property(a => a.Before).HasMaxLength(200);
        b.Property(a => a.After).HasMaxLength(200);
        b.Property(a => a.RequestId).HasMaxLength(200);
        b.Property(a => a.Detail).HasColumnType("jsonb");
        // No foreign key to resources: audit rows outlive the purge of their resource.
        b.HasIndex(a => new { a.ResourceId, a.At });
        b.HasIndex(a => a.At);
    }
}
