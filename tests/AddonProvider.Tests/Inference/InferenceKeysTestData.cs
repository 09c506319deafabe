using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Inference;

public static class InferenceKeysTestData
{
    /// <summary>
    /// A second key for the resource, the way a rotation leaves it (no rotation endpoint exists yet, so the row is
    /// written directly with the service's own SecretBox).
    /// </summary>
    public static async Task<string> AddKeyAsync(AppFixture app, Guid resourceId)
    {
        var secrets = app.App.Services.GetRequiredService<SecretBox>();
        var key = "inf-" + Tokens.Random(48);
        await using var db = app.Db();
        db.Credentials.Add(new Credential
        {
            ResourceId = resourceId, Kind = CredentialKind.InferenceKey, CreatedAt = DateTime.UtcNow,
            SecretCiphertext = secrets.Encrypt(key), LookupHash = secrets.LookupHash(key),
        });
        await db.SaveChangesAsync();
        return key;
    }
}
