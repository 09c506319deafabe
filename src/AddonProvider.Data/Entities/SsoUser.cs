namespace AddonProvider.Data.Entities;

/// <summary>A Heroku user who opened a resource's dashboard through SSO: a contact for security notices.</summary>
public sealed class SsoUser
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public required string UserId { get; set; }
    public string? Email { get; set; }
    public DateTime FirstLoginAt { get; set; }
    public DateTime LastLoginAt { get; set; }
}
