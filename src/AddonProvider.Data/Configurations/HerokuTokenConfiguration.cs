using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AddonProvider.Data.Configurations;

internal sealed class HerokuTokenConfiguration : IEntityTypeConfiguration<HerokuToken>
{
    public void Configure(EntityTypeBuilder<HerokuToken> b)
    {
        b.ToTable("heroku_tokens");
        b.HasKey(t => t.ResourceId);
        b.Property(t => t.GrantCodeCiphertext).HasMaxLength(600);
        b.Property(t => t.AccessTokenCiphertext).HasMaxLength(1200);
        b.Property(t => t.RefreshTokenCiphertext).HasMaxLength(1200);
        b.Property(t => t.HerokuUserId).HasMaxLength(100);
        b.HasOne<Resource>().WithOne().HasForeignKey<HerokuToken>(t => t.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
