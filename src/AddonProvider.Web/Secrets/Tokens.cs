using System.Security.Cryptography;

namespace AddonProvider.Web.Secrets;

/// <summary>Random, URL-safe secrets from the OS CSPRNG.</summary>
public static class Tokens
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    public static string RandomLower(int length) => RandomNumberGenerator.GetString(Alphabet[..26] + Alphabet[52..], length);

    /// <summary>Constant-time equality; hashing first means not even the length leaks.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(a)), SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(b)));
}
