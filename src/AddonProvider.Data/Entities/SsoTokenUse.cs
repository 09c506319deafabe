namespace AddonProvider.Data.Entities;

/// <summary>
/// An SSO token that already opened a session for a user. The primary key (token, user id) is the replay guard;
/// rows are only needed until the token's timestamp leaves the accepted window, then they are purged.
/// </summary>
public sealed class SsoTokenUse
{
    public required string Token { get; set; }

    /// <summary>Heroku's user id, or empty for legacy tokens that carry none.</summary>
    public required string UserId { get; set; }

    public DateTime ExpiresAt { get; set; }
}
