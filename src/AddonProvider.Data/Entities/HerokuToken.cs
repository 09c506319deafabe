namespace AddonProvider.Data.Entities;

/// <summary>
/// The Platform API OAuth tokens of one resource (a token is scoped to one add-on resource). Arrives as a grant
/// code with the provision request; a job exchanges it. Every secret here is encrypted with SECRETS_KEY.
/// </summary>
public sealed class HerokuToken
{
    public Guid ResourceId { get; set; }

    /// <summary>The provision's grant code until it is exchanged (about 5 minutes of life), then null.</summary>
    public string? GrantCodeCiphertext { get; set; }
    public DateTime? GrantExpiresAt { get; set; }

    public string? AccessTokenCiphertext { get; set; }
    public string? RefreshTokenCiphertext { get; set; }
    public DateTime? AccessTokenExpiresAt { get; set; }
    public string? HerokuUserId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
