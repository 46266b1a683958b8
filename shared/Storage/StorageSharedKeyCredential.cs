using System.Security.Cryptography;
using System.Text;

namespace LandRedevelopment.Storage;

/// <summary>An account name and key, used to sign requests (SharedKey, SharedKeyLite) and SAS tokens.</summary>
public sealed class StorageSharedKeyCredential
{
    private byte[] _key;

    /// <summary>Creates the credential from the account name and its base64 key.</summary>
    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        AccountName = accountName;
        _key = DecodeKey(accountKey);
    }

    /// <summary>The storage account name.</summary>
    public string AccountName { get; }

    /// <summary>Replaces the key, e.g. after a key rotation, without rebuilding clients.</summary>
    public void SetAccountKey(string accountKey) => _key = DecodeKey(accountKey);

    /// <summary>HMAC-SHA256 of the UTF-8 message under the account key, base64-encoded.</summary>
    public string ComputeHmacSha256(string message) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message)));

    private static byte[] DecodeKey(string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        try
        {
            return Convert.FromBase64String(accountKey);
        }
        catch (FormatException e)
        {
            throw new FormatException("The account key is not valid base64.", e);
        }
    }
}
