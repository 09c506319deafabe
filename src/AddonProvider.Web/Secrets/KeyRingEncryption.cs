using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace AddonProvider.Web.Secrets;

/// <summary>
/// The Data Protection key ring (which signs and encrypts dashboard and operator session cookies and antiforgery
/// tokens) lives in PostgreSQL so every dyno shares it. Unencrypted, its master keys would sit in
/// <c>data_protection_keys</c> in plaintext and a database dump alone would let anyone forge sessions; so each key's
/// secret is sealed with <see cref="SecretBox"/> (SECRETS_KEY, AES-256-GCM) before it is written.
/// A key whose secret is in plaintext (written before the sealing, or put into the table by someone with database
/// access) is never trusted: <see cref="SealedKeysOnlyRepository"/> leaves it out of the key ring and logs its id. The
/// keys that existed before the sealing were sealed once by the <c>secrets.seal-key-ring</c> job
/// (<see cref="KeyRingSealing"/>), which the migration that shipped it queued.
/// </summary>
public static class KeyRingEncryption
{
    public static IDataProtectionBuilder ProtectKeysWithSecretBox(this IDataProtectionBuilder builder)
    {
        // Registered after PersistKeysToDbContext, so the repository it set is the one wrapped here.
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
        {
            var encryptor = new SecretBoxXmlEncryptor(services.GetRequiredService<SecretBox>());
            var logger = services.GetRequiredService<ILogger<SealedKeysOnlyRepository>>();
            return new ConfigureOptions<KeyManagementOptions>(o =>
            {
                o.XmlEncryptor = encryptor;
                if (o.XmlRepository is { } repository and not SealedKeysOnlyRepository)
                    o.XmlRepository = new SealedKeysOnlyRepository(repository, logger);
            });
        });
        return builder;
    }
}

/// <summary>The key ring as Data Protection sees it: every stored element except keys whose secret is not sealed by us.</summary>
public sealed class SealedKeysOnlyRepository(IXmlRepository inner, ILogger<SealedKeysOnlyRepository> logger) : IXmlRepository
{
    public IXmlRepository Inner => inner;

    public IReadOnlyCollection<XElement> GetAllElements() => inner.GetAllElements().Where(element =>
    {
        if (KeyRingSealing.IsSealedOrNotAKey(element)) return true;
        logger.LogWarning("Data Protection key {KeyId} is stored without SECRETS_KEY sealing and is ignored: cookies it protected are refused",
            KeyRingSealing.KeyId(element));
        return false;
    }).ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        if (!KeyRingSealing.IsSealedOrNotAKey(element))
            throw new InvalidOperationException("Refusing to store a Data Protection key whose secret is not sealed with SECRETS_KEY.");
        inner.StoreElement(element, friendlyName);
    }
}

public sealed class SecretBoxXmlEncryptor(SecretBox secrets) : IXmlEncryptor
{
    /// <summary>Stored in place of the key's secret element; its text is a SecretBox ciphertext (which names its key id).</summary>
    public const string ElementName = "secretBoxEncrypted";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(
        new XElement(ElementName, secrets.Encrypt(plaintextElement.ToString(SaveOptions.DisableFormatting))),
        typeof(SecretBoxXmlDecryptor));
}

/// <summary>
/// Data Protection creates this by the type name stored beside each encrypted key, passing the app's services.
/// SecretBox tries SECRETS_KEY and SECRETS_KEY_PREVIOUS, so rotating SECRETS_KEY signs no one out; a key sealed under
/// neither throws, and Data Protection then treats that key as unusable (its cookies are refused, not a crash).
/// </summary>
public sealed class SecretBoxXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly SecretBox _secrets = services.GetRequiredService<SecretBox>();

    public XElement Decrypt(XElement encryptedElement) => XElement.Parse(_secrets.Decrypt(encryptedElement.Value));
}
