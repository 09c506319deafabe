using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace AddonProvider.Web.Secrets;

/// <summary>
/// Reads and rewrites stored Data Protection keys: whether a key's secret is sealed with SECRETS_KEY, and sealing one
/// that is not, exactly as Data Protection seals a new key (each element marked <c>requiresEncryption</c> becomes an
/// <c>encryptedSecret</c> naming <see cref="SecretBoxXmlDecryptor"/>).
/// </summary>
public static class KeyRingSealing
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";

    /// <summary>True for a key sealed by <see cref="SecretBoxXmlEncryptor"/>, and for what is not a key (a revocation).</summary>
    public static bool IsSealedOrNotAKey(XElement element) =>
        element.Name.LocalName != "key"
        || (!element.Descendants().Any(NeedsSealing)
            && element.Descendants(EncryptedSecret).Any()
            && element.Descendants(EncryptedSecret).All(e => IsOurDecryptor((string?)e.Attribute("decryptorType"))));

    public static string KeyId(XElement element) => (string?)element.Attribute("id") ?? "(no id)";

    /// <summary>The key with every secret that Data Protection marked as needing encryption sealed; null when there is none.</summary>
    public static XElement? Seal(XElement key, IXmlEncryptor encryptor)
    {
        var sealedKey = new XElement(key);
        var secrets = sealedKey.Descendants().Where(NeedsSealing).ToList();
        if (secrets.Count == 0) return null;
        foreach (var secret in secrets)
        {
            var info = encryptor.Encrypt(secret);
            secret.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
        }
        return sealedKey;
    }

    /// <summary>By type name, not assembly version: a key sealed by an earlier build of ours is ours.</summary>
    private static bool IsOurDecryptor(string? assemblyQualifiedName) =>
        assemblyQualifiedName?.Split(',')[0].Trim() == typeof(SecretBoxXmlDecryptor).FullName;

    private static bool NeedsSealing(XElement e) => (bool?)e.Attribute(RequiresEncryption) == true;
}
