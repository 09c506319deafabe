namespace AddonProvider.Data.Entities;

/// <summary>
/// An SSO token value that was presented by a successful login: the one that verified it, or a weaker one sent
/// alongside. The primary key (the token alone) is the replay guard; rows are only needed until the token's
/// timestamp leaves the accepted window, then they are purged.
/// </summary>
public sealed class SsoTokenUse
{
    public required string Token { get; set; }

    /// <summary>The user id the login claimed (for the record), or empty when it carried none.</summary>
    public required string UserId { get; set; }

    public DateTime ExpiresAt { get; set; }
}
