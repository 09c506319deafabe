using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.Provisioning;

/// <summary>A provision's OAuth grant, kept for the exchange job: one row in the provision's unit of work, no HTTP.</summary>
public static class OAuthGrants
{
    public static void Add(AddonDbContext db, SecretBox secrets, Guid resourceId, string code, DateTime expiresAt, DateTime now)
    {
        db.HerokuTokens.Add(new HerokuToken
        {
            ResourceId = resourceId, GrantCodeCiphertext = secrets.Encrypt(code), GrantExpiresAt = expiresAt,
            CreatedAt = now, UpdatedAt = now,
        });
        db.Enqueue(JobKinds.ExchangeGrant, resourceId.ToString(), now);
    }
}
