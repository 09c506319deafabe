using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class InferenceModelConfiguration : IEntityTypeConfiguration<InferenceModel>
{
    public void Configure(EntityTypeBuilder<InferenceModel> b)
    {
        b.ToTable("inference_models");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).HasMaxLength(60);
        b.Property(m => m.Kind).HasConversion(new LowerCaseEnumConverter<ModelKind>()).HasMaxLength(20);
    }
}
