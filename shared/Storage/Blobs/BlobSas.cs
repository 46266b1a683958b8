using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LandRedevelopment.Storage.Blobs;

/// <summary>What a blob SAS allows; the flag values match Azure.Storage.Sas.BlobSasPermissions.</summary>
[Flags]
public enum BlobSasPermissions
{
    /// <summary>r: read content, properties, metadata and block list.</summary>
    Read = 1,

    /// <summary>a: add a block to an append blob.</summary>
    Add = 2,

    /// <summary>c: write a new blob (not overwrite an existing one).</summary>
    Create = 4,

    /// <summary>w: write or overwrite content, properties, metadata and block list.</summary>
    Write = 8,

    /// <summary>d: delete the blob.</summary>
    Delete = 16,

    /// <summary>t: read and write blob tags.</summary>
    Tag = 32,

    /// <summary>x: delete a blob version.</summary>
    DeleteBlobVersion = 64,

    /// <summary>l: list blobs (container SAS only).</summary>
    List = 128,

    /// <summary>y: permanently delete a soft-deleted blob or version.</summary>
    PermanentDelete = 2048,

    /// <summary>Every permission above.</summary>
    All = ~0,
}

/// <summary>Which protocols a SAS may be used over.</summary>
public enum SasProtocol
{
    /// <summary>No restriction (the spr field is left out).</summary>
    None,

    /// <summary>spr=https,http.</summary>
    HttpsAndHttp,

    /// <summary>spr=https.</summary>
    Https,
}

/// <summary>
/// Builds a blob or container SAS: a service SAS signed with the account key, or a user delegation SAS signed with a
/// <see cref="UserDelegationKey"/>. Signs with the string-to-sign layouts of service version 2020-12-06 and later
/// (the user delegation layout gains two fields from 2025-07-05). Optional fields this builder does not offer
/// (signed identifier, IP range, snapshot, encryption scope, delegated user) are signed as empty strings.
/// </summary>
public class BlobSasBuilder
{
    private const string FirstSupportedVersion = "2020-12-06";
    private const string DelegatedUserFieldsVersion = "2025-07-05";

    /// <summary>The signed version (sv); 2020-12-06 up to <see cref="BlobClientOptions.DefaultServiceVersion"/>, which is the default.</summary>
    public string Version { get; set; } = BlobClientOptions.DefaultServiceVersion;

    /// <summary>The protocols the SAS may be used over.</summary>
    public SasProtocol Protocol { get; set; }

    /// <summary>When the SAS becomes valid; <c>default</c> leaves it out (valid at once).</summary>
    public DateTimeOffset StartsOn { get; set; }

    /// <summary>When the SAS expires (required).</summary>
    public DateTimeOffset ExpiresOn { get; set; }

    /// <summary>The container the SAS is for.</summary>
    public string BlobContainerName { get; set; } = string.Empty;

    /// <summary>The blob the SAS is for; empty for a container SAS.</summary>
    public string BlobName { get; set; } = string.Empty;

    /// <summary>"b" for a blob, "c" for a container; when left empty, "b" if <see cref="BlobName"/> is set, else "c".</summary>
    public string Resource { get; set; } = string.Empty;

    /// <summary>The sp field, in the service's canonical order; set with <see cref="SetPermissions(BlobSasPermissions)"/>.</summary>
    public string Permissions { get; private set; } = string.Empty;

    /// <summary>Overrides the Cache-Control response header of reads made with the SAS (rscc).</summary>
    public string? CacheControl { get; set; }

    /// <summary>Overrides the Content-Disposition response header (rscd), e.g. <c>attachment; filename="plan.pdf"</c>.</summary>
    public string? ContentDisposition { get; set; }

    /// <summary>Overrides the Content-Encoding response header (rsce).</summary>
    public string? ContentEncoding { get; set; }

    /// <summary>Overrides the Content-Language response header (rscl).</summary>
    public string? ContentLanguage { get; set; }

    /// <summary>Overrides the Content-Type response header (rsct).</summary>
    public string? ContentType { get; set; }

    /// <summary>Sets <see cref="Permissions"/> from flags, in the order the service requires ("racwdxylt").</summary>
    public void SetPermissions(BlobSasPermissions permissions)
    {
        var sb = new StringBuilder();
        foreach (var (flag, letter) in PermissionLetters)
        {
            if (permissions.HasFlag(flag))
            {
                sb.Append(letter);
            }
        }

        Permissions = sb.ToString();
    }

    /// <summary>A service SAS signed with the account key.</summary>
    public BlobSasQueryParameters ToSasQueryParameters(StorageSharedKeyCredential sharedKeyCredential)
    {
        ArgumentNullException.ThrowIfNull(sharedKeyCredential);
        var stringToSign = ServiceStringToSign(sharedKeyCredential.AccountName);
        return Query(null, sharedKeyCredential.ComputeHmacSha256(stringToSign));
    }

    /// <summary>A user delegation SAS signed with a key from <see cref="BlobServiceClient.GetUserDelegationKeyAsync"/>.</summary>
    public BlobSasQueryParameters ToSasQueryParameters(UserDelegationKey userDelegationKey, string accountName)
    {
        ArgumentNullException.ThrowIfNull(userDelegationKey);
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        var stringToSign = UserDelegationStringToSign(userDelegationKey, accountName);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(userDelegationKey.Value), Encoding.UTF8.GetBytes(stringToSign)));
        return Query(userDelegationKey, signature);
    }

    internal string ServiceStringToSign(string accountName)
    {
        Validate();
        return string.Join('\n',
            Permissions, Time(StartsOn), Time(ExpiresOn), CanonicalResource(accountName),
            string.Empty, // signedIdentifier
            string.Empty, // signedIP
            ProtocolString, Version, EffectiveResource,
            string.Empty, // signedSnapshotTime
            string.Empty, // signedEncryptionScope
            CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, ContentType);
    }

    internal string UserDelegationStringToSign(UserDelegationKey key, string accountName)
    {
        Validate();
        var fields = new List<string?>
        {
            Permissions, Time(StartsOn), Time(ExpiresOn), CanonicalResource(accountName),
            key.SignedObjectId, key.SignedTenantId, Time(key.SignedStartsOn), Time(key.SignedExpiresOn), key.SignedService, key.SignedVersion,
            string.Empty, // signedAuthorizedUserObjectId
            string.Empty, // signedUnauthorizedUserObjectId
            string.Empty, // signedCorrelationId
        };
        if (string.CompareOrdinal(Version, DelegatedUserFieldsVersion) >= 0)
        {
            fields.Add(string.Empty); // signedKeyDelegatedUserTenantId
            fields.Add(string.Empty); // signedDelegatedUserObjectId
        }

        fields.AddRange([
            string.Empty, // signedIP
            ProtocolString, Version, EffectiveResource,
            string.Empty, // signedSnapshotTime
            string.Empty, // signedEncryptionScope
            CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, ContentType,
        ]);
        return string.Join('\n', fields);
    }

    private static readonly (BlobSasPermissions Flag, char Letter)[] PermissionLetters =
    [
        (BlobSasPermissions.Read, 'r'), (BlobSasPermissions.Add, 'a'), (BlobSasPermissions.Create, 'c'), (BlobSasPermissions.Write, 'w'),
        (BlobSasPermissions.Delete, 'd'), (BlobSasPermissions.DeleteBlobVersion, 'x'), (BlobSasPermissions.PermanentDelete, 'y'),
        (BlobSasPermissions.List, 'l'), (BlobSasPermissions.Tag, 't'),
    ];

    private string EffectiveResource => Resource.Length > 0 ? Resource : BlobName.Length > 0 ? "b" : "c";

    private string ProtocolString => Protocol switch
    {
        SasProtocol.Https => "https",
        SasProtocol.HttpsAndHttp => "https,http",
        _ => string.Empty,
    };

    private void Validate()
    {
        if (string.CompareOrdinal(Version, FirstSupportedVersion) < 0 || string.CompareOrdinal(Version, BlobClientOptions.DefaultServiceVersion) > 0)
        {
            // Other versions sign other field lists; signing one with the wrong list yields a SAS the service refuses.
            throw new NotSupportedException($"SAS version '{Version}' is not supported; use {FirstSupportedVersion} to {BlobClientOptions.DefaultServiceVersion}.");
        }

        if (ExpiresOn == default || Permissions.Length == 0)
        {
            throw new InvalidOperationException("A SAS needs ExpiresOn and permissions (SetPermissions).");
        }

        ArgumentException.ThrowIfNullOrEmpty(BlobContainerName);
        if (EffectiveResource == "b" && BlobName.Length == 0)
        {
            throw new InvalidOperationException("A blob SAS (sr=b) needs BlobName.");
        }
    }

    // Container and blob names are signed unescaped ("URL-decoded" in the REST docs).
    private string CanonicalResource(string accountName) =>
        EffectiveResource == "c" ? $"/blob/{accountName}/{BlobContainerName}" : $"/blob/{accountName}/{BlobContainerName}/{BlobName}";

    private BlobSasQueryParameters Query(UserDelegationKey? key, string signature)
    {
        var query = new List<KeyValuePair<string, string>> { new("sv", Version) };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(new(name, value));
            }
        }

        Add("spr", ProtocolString);
        Add("st", Time(StartsOn));
        Add("se", Time(ExpiresOn));
        if (key is not null)
        {
            Add("skoid", key.SignedObjectId);
            Add("sktid", key.SignedTenantId);
            Add("skt", Time(key.SignedStartsOn));
            Add("ske", Time(key.SignedExpiresOn));
            Add("sks", key.SignedService);
            Add("skv", key.SignedVersion);
        }

        Add("sr", EffectiveResource);
        Add("sp", Permissions);
        Add("rscc", CacheControl);
        Add("rscd", ContentDisposition);
        Add("rsce", ContentEncoding);
        Add("rscl", ContentLanguage);
        Add("rsct", ContentType);
        Add("sig", signature);
        return new BlobSasQueryParameters(query);
    }

    private static string Time(DateTimeOffset value) =>
        value == default ? string.Empty : value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

/// <summary>A signed SAS: its fields by query name, and <see cref="ToString"/> for the query string (no leading '?').</summary>
public sealed class BlobSasQueryParameters
{
    internal BlobSasQueryParameters(IReadOnlyList<KeyValuePair<string, string>> parameters) => Parameters = parameters;

    /// <summary>The fields in the order they appear in the query (sv, spr, st, se, sk*, sr, sp, rsc*, sig).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>The signature (sig).</summary>
    public string Signature => Parameters.Single(p => p.Key == "sig").Value;

    /// <summary>The SAS query string, values URL-encoded, without a leading '?'.</summary>
    public override string ToString() =>
        string.Join('&', Parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
}
