using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox");
        b.HasKey(m => m.Id);
        b.Property(m => m.Kind).HasMaxLength(100);
        b.Property(m => m.Argument).HasMaxLength(200);
        // The dispatcher only ever scans undispatched rows.
        b.HasIndex(m => m.Id).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_outbox_pending");
        // "Is one of these already queued?" (a login asking for an access-list read): without it that check read the
        // whole outbox, which keeps every dispatched row for the retention period, on every verified SSO login.
        b.HasIndex(m => new { m.Kind, m.Argument }).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_outbox_pending_kind_argument");
    }
}
