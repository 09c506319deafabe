using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<Credential>
{
    public void Configure(EntityTypeBuilder<Credential> b)
    {
        b.ToTable("credentials");
        b.HasKey(c => c.Id);
        b.Property(c => c.Kind).HasConversion(new LowerCaseEnumConverter<CredentialKind>()).HasMaxLength(20);
        b.Property(c => c.Username).HasMaxLength(100);
        b.Property(c => c.SecretCiphertext).HasMaxLength(500);
        b.HasIndex(c => c.LookupHash).IsUnique();
        b.HasIndex(c => c.Username).IsUnique();
        b.HasIndex(c => new { c.ResourceId, c.Kind });
        b.HasOne<Resource>().WithMany().HasForeignKey(c => c.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
