using AddonProvider.Web.Sso;

namespace AddonProvider.Tests.Sso;

/// <summary>The test vectors of partner-api.md §4.</summary>
public sealed class SsoTokenTests
{
    private const string Salt = "2f97bfa52ca102f8874716e2eb1d3b4920ad0be4";
    private const string Uuid = "01234567-89ab-cdef-0123-456789abcdef";

    [Fact]
    public void LegacyToken_MatchesHerokusDocumentedExample() =>
        Assert.Equal("bb466eb1d6bc345d11072c3cd25c311f21be130d", SsoTokens.Compute(SsoTokenKind.Legacy, "123", Salt, "1267597772"));

    [Fact]
    public void ResourceToken_IsSha1OfUuidSaltTimestamp() =>
        Assert.Equal("7659cc00fc08ff8b7bb76cd8c9762bcf528b4173", SsoTokens.Compute(SsoTokenKind.Resource, Uuid, Salt, "1267597772"));

    [Fact]
    public void UserScopedToken_IsSha256OverUserIdAndEmailToo() =>
        Assert.Equal("c65f5adc40b9b20404090f99908f11f57be27fb87fea5c53936a2c681f9662ef",
            SsoTokens.Compute(SsoTokenKind.UserScoped, Uuid, Salt, "1267597772", "89abcdef-0123-4567-89ab-cdef01234567", "user@example.com"));

    [Fact]
    public void Matches_IsCaseInsensitiveAndTriesEverySalt()
    {
        var token = SsoTokens.Compute(SsoTokenKind.Resource, Uuid, Salt, "1267597772").ToUpperInvariant();
        Assert.True(SsoTokens.Matches(SsoTokenKind.Resource, token, Uuid, "1267597772", null, null, "other-salt", Salt));
        Assert.False(SsoTokens.Matches(SsoTokenKind.Resource, token, Uuid, "1267597773", null, null, "other-salt", Salt));
    }
}
