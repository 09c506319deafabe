namespace AddonProvider.Data.Entities;

/// <summary>
/// A Heroku user who opened a resource's dashboard through SSO. Only a <see cref="Verified"/> one (signed in with a
/// user-scoped token, which signs the user id and email) is a contact for security notices; the weaker tokens sign
/// neither, so their user id and email are only what the form claimed.
/// </summary>
public sealed class SsoUser
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string UserId { get; set; }
    public string? Email { get; set; }
    public bool Verified { get; set; }
    public DateTime FirstLoginAt { get; set; }
    public DateTime LastLoginAt { get; set; }
}
