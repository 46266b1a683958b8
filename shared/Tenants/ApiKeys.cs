using System.Security.Cryptography;
using System.Text;

namespace LandRedevelopment.Tenants;

/// <summary>
/// Field-app API keys: <c>lrk_{prefix}_{secret}</c>. The prefix finds the key (and is what admins see);
/// only a SHA-256 of the whole key is stored. The secret has 256 bits of entropy, so a fast hash is
/// enough — there is nothing to brute-force that a slow hash would protect.
/// </summary>
public static class ApiKeys
{
    private const string Scheme = "lrk";
    private const string PrefixAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>A new key and its prefix.</summary>
    public static (string Key, string Prefix) Generate()
    {
        var prefix = new string(RandomNumberGenerator.GetItems<char>(PrefixAlphabet, 10));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return ($"{Scheme}_{prefix}_{secret}", prefix);
    }

    /// <summary>The prefix of a well-formed key, or null.</summary>
    public static string? PrefixOf(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 200)
        {
            return null;
        }

        var parts = key.Split('_', 3);
        return parts.Length == 3 && parts[0] == Scheme && parts[1].Length == 10 && parts[1].All(PrefixAlphabet.Contains) && parts[2].Length >= 40
            ? parts[1]
            : null;
    }

    /// <summary>The stored form of a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="key"/> is the key <paramref name="storedHash"/> was made from (constant time).</summary>
    public static bool Matches(string key, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
