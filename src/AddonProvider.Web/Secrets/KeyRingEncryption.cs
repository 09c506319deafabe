using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace AddonProvider.Web.Secrets;

/// <summary>
/// The Data Protection key ring (which signs and encrypts dashboard and operator session cookies and antiforgery
/// tokens) lives in PostgreSQL so every dyno shares it. Unencrypted, its master keys would sit in
/// <c>data_protection_keys</c> in plaintext and a database dump alone would let anyone forge sessions; so each key's
/// secret is sealed with <see cref="SecretBox"/> (SECRETS_KEY, AES-256-GCM) before it is written.
/// Keys written before this existed carry no encryption marker and Data Protection still reads them as they are.
/// </summary>
public static class KeyRingEncryption
{
    public static IDataProtectionBuilder ProtectKeysWithSecretBox(this IDataProtectionBuilder builder)
    {
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
        {
            var encryptor = new SecretBoxXmlEncryptor(services.GetRequiredService<SecretBox>());
            return new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = encryptor);
        });
        return builder;
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
