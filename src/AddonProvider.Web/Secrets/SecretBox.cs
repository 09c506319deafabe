using System.Security.Cryptography;
using System.Text;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Secrets;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM. Each ciphertext names its key (<c>v1.{keyId}.{payload}</c>) so
/// SECRETS_KEY can rotate: SECRETS_KEY_PREVIOUS still decrypts, only SECRETS_KEY encrypts.
/// Also derives the keyed hash (HMAC-SHA256) used to look secrets up by value.
/// </summary>
public sealed class SecretBox
{
    /// <summary>The development key: fixed, public, refused in Production.</summary>
    public const string DevKey = "ZGV2LXNlY3JldHMta2V5LW5vdC1mb3ItcHJvZC11c2U=";

    private readonly Key _current;
    private readonly Key? _previous;

    public SecretBox(byte[] key, byte[]? previousKey = null)
    {
        _current = new Key(key);
        _previous = previousKey is null ? null : new Key(previousKey);
    }

    public bool UsesDevKey { get; private init; }

    public static SecretBox From(Settings settings)
    {
        var raw = settings.Secret("SECRETS_KEY", DevKey);
        return new SecretBox(Decode("SECRETS_KEY", raw), settings.Optional("SECRETS_KEY_PREVIOUS") is { } prev ? Decode("SECRETS_KEY_PREVIOUS", prev) : null)
        {
            UsesDevKey = raw == DevKey,
        };
    }

    public string Encrypt(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var payload = new byte[12 + plain.Length + 16];
        var nonce = payload.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.Encryption, 16);
        aes.Encrypt(nonce, plain, payload.AsSpan(12, plain.Length), payload.AsSpan(12 + plain.Length), _current.IdBytes);
        return $"v1.{_current.Id}.{Convert.ToBase64String(payload)}";
    }

    public string Decrypt(string ciphertext)
    {
        var parts = ciphertext.Split('.');
        if (parts.Length != 3 || parts[0] != "v1") throw new CryptographicException("Unknown ciphertext format.");
        var key = parts[1] == _current.Id ? _current
            : _previous is not null && parts[1] == _previous.Id ? _previous
            : throw new CryptographicException($"Ciphertext was written with key {parts[1]}, which is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS.");
        var payload = Convert.FromBase64String(parts[2]);
        var plain = new byte[payload.Length - 28];
        using var aes = new AesGcm(key.Encryption, 16);
        aes.Decrypt(payload.AsSpan(0, 12), payload.AsSpan(12, plain.Length), payload.AsSpan(12 + plain.Length), plain, key.IdBytes);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>The keyed look-up hash under the current key.</summary>
    public byte[] LookupHash(string secret) => _current.Hash(secret);

    /// <summary>
    /// The keyed stand-in for a personal identifier (an email, a Heroku user id) that must stay comparable after the
    /// retention purge: <c>anon:</c> and the first 128 bits of an HMAC-SHA256 under a key derived from SECRETS_KEY (its
    /// own HKDF label, not the look-up key's). The same person gets the same pseudonym in every row; without
    /// SECRETS_KEY nobody can test a guessed address against it. Emails are compared case-insensitively, so they are
    /// lower-cased first. Rotating SECRETS_KEY changes the pseudonyms written from then on; existing ones stay.
    /// </summary>
    public string Pseudonym(string identifier)
    {
        var normalised = identifier.Trim();
        if (normalised.Contains('@')) normalised = normalised.ToLowerInvariant();
        return PseudonymPrefix + Convert.ToHexStringLower(_current.Pseudonymise(normalised))[..32];
    }

    public const string PseudonymPrefix = "anon:";

    /// <summary>Every hash a stored secret may carry: under the current key and, during a rotation, the previous one.</summary>
    public byte[][] LookupHashes(string secret) =>
        _previous is null ? [_current.Hash(secret)] : [_current.Hash(secret), _previous.Hash(secret)];

    private static byte[] Decode(string name, string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64);
            if (bytes.Length == 32) return bytes;
        }
        catch (FormatException) { }
        throw new InvalidOperationException($"{name} must be the base64 encoding of 32 random bytes (e.g. `openssl rand -base64 32`).");
    }

    private sealed class Key
    {
        public Key(byte[] master)
        {
            Encryption = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "addon-provider/encryption"u8.ToArray());
            Lookup = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "addon-provider/lookup"u8.ToArray());
            Pseudonyms = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "addon-provider/pseudonym"u8.ToArray());
            Id = Convert.ToHexStringLower(SHA256.HashData(master))[..8];
            IdBytes = Encoding.ASCII.GetBytes(Id);
        }

        public byte[] Encryption { get; }
        public byte[] Lookup { get; }
        private byte[] Pseudonyms { get; }
        public string Id { get; }
        public byte[] IdBytes { get; }
        public byte[] Hash(string secret) => HMACSHA256.HashData(Lookup, Encoding.UTF8.GetBytes(secret));
        public byte[] Pseudonymise(string identifier) => HMACSHA256.HashData(Pseudonyms, Encoding.UTF8.GetBytes(identifier));
    }
}
