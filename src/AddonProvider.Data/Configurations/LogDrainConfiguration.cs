using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class LogDrainConfiguration : IEntityTypeConfiguration<LogDrain>
{
    public void Configure(EntityTypeBuilder<LogDrain> b)
    {
        b.ToTable("log_drains");
        b.HasKey(d => d.ResourceId);
        b.Property(d => d.UrlCiphertext).HasMaxLength(2000);
        b.Property(d => d.LastError).HasMaxLength(300);
        b.HasOne<Resource>().WithOne().HasForeignKey<LogDrain>(d => d.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LogEventConfiguration : IEntityTypeConfiguration<LogEvent>
{
    public void Configure(EntityTypeBuilder<LogEvent> b)
    {
        b.ToTable("log_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Message).HasMaxLength(1000);
        // The shipper reads one resource's oldest lines first.
        b.HasIndex(e => new { e.ResourceId, e.Id });
        b.HasOne<Resource>().WithMany().HasForeignKey(e => e.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
