using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class SsoTokenUseConfiguration : IEntityTypeConfiguration<SsoTokenUse>
{
    public void Configure(EntityTypeBuilder<SsoTokenUse> b)
    {
        b.ToTable("sso_token_uses");
        // Keyed on the token alone: one token value opens one session, whatever user id the form names.
        b.HasKey(u => u.Token);
        // Lower-case hex of a SHA-1 (40) or SHA-256 (64) digest.
        b.Property(u => u.Token).HasMaxLength(64);
        b.Property(u => u.UserId).HasMaxLength(100);
        b.HasIndex(u => u.ExpiresAt);
    }
}
