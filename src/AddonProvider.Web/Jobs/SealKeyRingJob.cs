using System.Globalization;
using System.Xml.Linq;
using AddonProvider.Data;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Jobs;

/// <summary>
/// Seals, once, the Data Protection keys that versions before the sealing wrote in plaintext, so they keep opening the
/// sessions and forms they protected. The argument is the highest key id that existed when the migration queueing this
/// job ran (<c>SealKeyRing</c>): keys written later are never sealed here, so a plaintext key put into the table
/// afterwards stays refused instead of being laundered into a trusted one. A second run finds nothing to seal.
/// </summary>
public sealed class SealKeyRingJob(AddonDbContext db, SecretBox secrets, ILogger<SealKeyRingJob> logger) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var upTo = int.Parse(argument, NumberStyles.None, CultureInfo.InvariantCulture);
        var encryptor = new SecretBoxXmlEncryptor(secrets);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var keys = await db.DataProtectionKeys.FromSql($"SELECT * FROM data_protection_keys WHERE id <= {upTo} ORDER BY id FOR UPDATE").ToListAsync(ct);
        foreach (var key in keys)
        {
            if (key.Xml is null || KeyRingSealing.Seal(XElement.Parse(key.Xml), encryptor) is not { } sealedKey) continue;
            key.Xml = sealedKey.ToString(SaveOptions.DisableFormatting);
            logger.LogInformation("Sealed Data Protection key {KeyId}, written before the sealing, with SECRETS_KEY", KeyRingSealing.KeyId(sealedKey));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
