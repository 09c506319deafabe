using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class InferenceRateEventConfiguration : IEntityTypeConfiguration<InferenceRateEvent>
{
    public void Configure(EntityTypeBuilder<InferenceRateEvent> b)
    {
        b.ToTable("inference_rate_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.ModelId).HasMaxLength(60);
        // The window query and the window clean-up both walk this index.
        b.HasIndex(e => new { e.ResourceId, e.ModelId, e.At });
        b.HasIndex(e => e.At);
        b.HasOne<Resource>().WithMany().HasForeignKey(e => e.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
