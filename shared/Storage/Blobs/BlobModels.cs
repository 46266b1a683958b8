using Azure;

namespace LandRedevelopment.Storage.Blobs;

/// <summary>Conditions on a blob's ETag and last-modified time; <c>IfNoneMatch = ETag.All</c> means "only if it does not exist".</summary>
public class BlobRequestConditions : RequestConditions
{
}

/// <summary>How <see cref="BlobClient.UploadAsync(Stream, BlobUploadOptions, CancellationToken)"/> splits content into requests.</summary>
public class BlobTransferOptions
{
    /// <summary>The largest buffer either size may ask for; the client holds one such buffer per upload.</summary>
    public const int MaxBufferSize = 256 * 1024 * 1024;

    /// <summary>Content up to this many bytes goes in a single Put Blob (4 MiB by default; 0 always stages blocks).</summary>
    public int InitialTransferSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The size of each staged block when the content is larger (4 MiB by default; the SDK's MaximumTransferSize).</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;
}

/// <summary>Options for an upload: the blob's content type and metadata, conditions on the existing blob, and transfer sizes.</summary>
public class BlobUploadOptions
{
    /// <summary>The blob's Content-Type (the service's default is application/octet-stream).</summary>
    public string? ContentType { get; set; }

    /// <summary>User-defined metadata stored with the blob.</summary>
    public IDictionary<string, string>? Metadata { get; set; }

    /// <summary>Conditions the existing blob must meet for the upload to commit.</summary>
    public BlobRequestConditions? Conditions { get; set; }

    /// <summary>Single-shot threshold and block size.</summary>
    public BlobTransferOptions TransferOptions { get; set; } = new();
}

/// <summary>What an upload or container creation returns: the new ETag and last-modified time.</summary>
public class BlobContentInfo
{
    /// <summary>Creates the info (for tests and mocks).</summary>
    public BlobContentInfo(ETag eTag, DateTimeOffset lastModified, byte[]? contentHash = null)
    {
        ETag = eTag;
        LastModified = lastModified;
        ContentHash = contentHash;
    }

    /// <summary>The blob's new ETag.</summary>
    public ETag ETag { get; }

    /// <summary>When the blob was written.</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>The MD5 of the content when the service returned one.</summary>
    public byte[]? ContentHash { get; }
}

/// <summary>What Put Block returns.</summary>
public class BlockInfo
{
    /// <summary>Creates the info (for tests and mocks).</summary>
    public BlockInfo(byte[]? contentHash)
    {
        ContentHash = contentHash;
    }

    /// <summary>The MD5 of the block as the service received it, when it returned one.</summary>
    public byte[]? ContentHash { get; }
}

/// <summary>A container's ETag and last-modified time after Create Container.</summary>
public class BlobContainerInfo
{
    /// <summary>Creates the info (for tests and mocks).</summary>
    public BlobContainerInfo(ETag eTag, DateTimeOffset lastModified)
    {
        ETag = eTag;
        LastModified = lastModified;
    }

    /// <summary>The container's ETag.</summary>
    public ETag ETag { get; }

    /// <summary>When the container was last modified.</summary>
    public DateTimeOffset LastModified { get; }
}

/// <summary>A blob's system properties and metadata (Get Blob Properties).</summary>
public class BlobProperties
{
    /// <summary>Creates properties (for tests and mocks).</summary>
    public BlobProperties(long contentLength, string? contentType, ETag eTag, DateTimeOffset lastModified,
        IDictionary<string, string> metadata, byte[]? contentHash = null)
    {
        ContentLength = contentLength;
        ContentType = contentType;
        ETag = eTag;
        LastModified = lastModified;
        Metadata = metadata;
        ContentHash = contentHash;
    }

    /// <summary>The size of the blob in bytes.</summary>
    public long ContentLength { get; }

    /// <summary>The blob's Content-Type.</summary>
    public string? ContentType { get; }

    /// <summary>The blob's ETag.</summary>
    public ETag ETag { get; }

    /// <summary>When the blob was last written.</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>User-defined metadata (names compared case-insensitively).</summary>
    public IDictionary<string, string> Metadata { get; }

    /// <summary>The MD5 of the whole blob, when the service has one.</summary>
    public byte[]? ContentHash { get; }
}

/// <summary>The properties that come with a download.</summary>
public class BlobDownloadDetails : BlobProperties
{
    /// <summary>Creates details (for tests and mocks).</summary>
    public BlobDownloadDetails(long contentLength, string? contentType, ETag eTag, DateTimeOffset lastModified,
        IDictionary<string, string> metadata, byte[]? contentHash = null)
        : base(contentLength, contentType, eTag, lastModified, metadata, contentHash)
    {
    }
}

/// <summary>A download in progress: <see cref="Content"/> reads from the network as it is read. Dispose it when done.</summary>
public sealed class BlobDownloadStreamingResult : IDisposable
{
    /// <summary>Creates the result (for tests and mocks).</summary>
    public BlobDownloadStreamingResult(Stream content, BlobDownloadDetails details)
    {
        Content = content;
        Details = details;
    }

    /// <summary>The blob content, streamed.</summary>
    public Stream Content { get; }

    /// <summary>The blob's properties at the time of the download.</summary>
    public BlobDownloadDetails Details { get; }

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();
}

/// <summary>A blob in a listing.</summary>
public class BlobItem
{
    /// <summary>Creates an item (for tests and mocks).</summary>
    public BlobItem(string name, BlobItemProperties properties)
    {
        Name = name;
        Properties = properties;
    }

    /// <summary>The blob name, relative to its container.</summary>
    public string Name { get; }

    /// <summary>The system properties the listing carries.</summary>
    public BlobItemProperties Properties { get; }
}

/// <summary>The system properties of a listed blob.</summary>
public class BlobItemProperties
{
    /// <summary>Creates properties (for tests and mocks).</summary>
    public BlobItemProperties(long? contentLength, string? contentType, ETag? eTag, DateTimeOffset? lastModified)
    {
        ContentLength = contentLength;
        ContentType = contentType;
        ETag = eTag;
        LastModified = lastModified;
    }

    /// <summary>The size of the blob in bytes.</summary>
    public long? ContentLength { get; }

    /// <summary>The blob's Content-Type.</summary>
    public string? ContentType { get; }

    /// <summary>The blob's ETag, equal to the one Get Blob Properties reports.</summary>
    public ETag? ETag { get; }

    /// <summary>When the blob was last written.</summary>
    public DateTimeOffset? LastModified { get; }
}

/// <summary>One block of a block blob.</summary>
public class BlobBlock
{
    /// <summary>Creates a block (for tests and mocks).</summary>
    public BlobBlock(string name, long size)
    {
        Name = name;
        Size = size;
    }

    /// <summary>The base64 block ID.</summary>
    public string Name { get; }

    /// <summary>The block size in bytes.</summary>
    public long Size { get; }
}

/// <summary>The blocks of a block blob (Get Block List).</summary>
public class BlockList
{
    /// <summary>Creates a block list (for tests and mocks).</summary>
    public BlockList(IReadOnlyList<BlobBlock> committedBlocks, IReadOnlyList<BlobBlock> uncommittedBlocks)
    {
        CommittedBlocks = committedBlocks;
        UncommittedBlocks = uncommittedBlocks;
    }

    /// <summary>The blocks that make up the blob, in order.</summary>
    public IReadOnlyList<BlobBlock> CommittedBlocks { get; }

    /// <summary>Staged blocks not (yet) part of the blob.</summary>
    public IReadOnlyList<BlobBlock> UncommittedBlocks { get; }
}

/// <summary>
/// A key from Get User Delegation Key, obtained under an Entra ID token, that signs user delegation SAS tokens
/// in place of the account key.
/// </summary>
public class UserDelegationKey
{
    /// <summary>Creates a key (for tests and mocks; the service client builds these from responses).</summary>
    public UserDelegationKey(string signedObjectId, string signedTenantId, DateTimeOffset signedStartsOn, DateTimeOffset signedExpiresOn,
        string signedService, string signedVersion, string value)
    {
        SignedObjectId = signedObjectId;
        SignedTenantId = signedTenantId;
        SignedStartsOn = signedStartsOn;
        SignedExpiresOn = signedExpiresOn;
        SignedService = signedService;
        SignedVersion = signedVersion;
        Value = value;
    }

    /// <summary>The object ID of the identity the key was issued to.</summary>
    public string SignedObjectId { get; }

    /// <summary>The Entra tenant of that identity.</summary>
    public string SignedTenantId { get; }

    /// <summary>When the key becomes valid.</summary>
    public DateTimeOffset SignedStartsOn { get; }

    /// <summary>When the key expires (at most 7 days after it was requested).</summary>
    public DateTimeOffset SignedExpiresOn { get; }

    /// <summary>The service the key is for ("b").</summary>
    public string SignedService { get; }

    /// <summary>The service version that issued the key.</summary>
    public string SignedVersion { get; }

    /// <summary>The base64 key.</summary>
    public string Value { get; }
}
