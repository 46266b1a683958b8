using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace LandRedevelopment.Storage.Blobs;

/// <summary>
/// One block blob: streaming upload and download, properties, delete, and SAS generation.
/// Shaped like Azure.Storage.Blobs' <c>BlobClient</c>; failures throw <see cref="RequestFailedException"/>
/// carrying the service's error code.
/// </summary>
public class BlobClient
{
    /// <summary>The most blocks one block blob can hold.</summary>
    public const int MaxBlocks = 50_000;

    private readonly BlobClientContext _context;
    private readonly Uri _blobUri;

    /// <summary>Connects to a blob of the account a connection string names.</summary>
    public BlobClient(string connectionString, string blobContainerName, string blobName, BlobClientOptions? options = null)
        : this(BlobUriFromConnectionString(connectionString, blobContainerName, blobName, out var parsed),
            BlobClientContext.Create(StorageAuthentication.FromConnectionString(parsed), options))
    {
    }

    /// <summary>Connects to the blob at <paramref name="blobUri"/> with the account key.</summary>
    public BlobClient(Uri blobUri, StorageSharedKeyCredential credential, BlobClientOptions? options = null)
        : this(blobUri, BlobClientContext.Create(StorageAuthentication.FromSharedKey(credential), options))
    {
    }

    /// <summary>Connects to the blob at <paramref name="blobUri"/> with Entra ID tokens (managed identity).</summary>
    public BlobClient(Uri blobUri, TokenCredential credential, BlobClientOptions? options = null)
        : this(blobUri, BlobClientContext.Create(StorageAuthentication.FromToken(credential), options))
    {
    }

    /// <summary>Connects with a SAS URL (as <see cref="GenerateSasUri(BlobSasBuilder)"/> makes): every request carries its SAS.</summary>
    public BlobClient(Uri blobUriWithSas, BlobClientOptions? options = null)
        : this(blobUriWithSas, BlobClientContext.Create(StorageAuthentication.FromSas(SasOf(blobUriWithSas)), options))
    {
        Uri = blobUriWithSas;
    }

    /// <summary>For mocking.</summary>
    protected BlobClient()
    {
        _context = null!;
        _blobUri = null!;
        Uri = null!;
        Name = null!;
        BlobContainerName = null!;
    }

    internal BlobClient(Uri blobUri, BlobClientContext context)
    {
        ArgumentNullException.ThrowIfNull(blobUri);
        _blobUri = StorageRest.WithoutQuery(blobUri);
        var segments = StorageRest.ResourceSegments(_blobUri, 2);
        if (segments.Length < 2 || segments[1].Length == 0)
        {
            throw new ArgumentException($"'{_blobUri}' names no container and blob.", nameof(blobUri));
        }

        BlobContainerName = segments[0];
        Name = segments[1];
        Uri = _blobUri;
        _context = context;
    }

    /// <summary>The blob name, relative to its container.</summary>
    public string Name { get; }

    /// <summary>The container name.</summary>
    public string BlobContainerName { get; }

    /// <summary>The storage account name.</summary>
    public string AccountName => StorageRest.AccountName(_blobUri);

    /// <summary>The blob URI (with its SAS, for a client built from a SAS URL).</summary>
    public Uri Uri { get; }

    /// <summary>True when the client holds the account key and so can sign a service SAS.</summary>
    public bool CanGenerateSasUri => _context.Auth.SharedKey is not null;

    /// <summary>
    /// Uploads <paramref name="content"/> from its current position to the end, holding at most one buffer of
    /// max(InitialTransferSize + 1, BlockSize) bytes. Content that fits within InitialTransferSize goes in one Put Blob;
    /// larger content is staged with Put Block, a block at a time, and committed with Put Block List, so an upload of
    /// any size (from a non-seekable stream too) never holds the whole body. The conditions apply to the commit.
    /// </summary>
    public virtual async Task<Response<BlobContentInfo>> UploadAsync(Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        var (threshold, blockSize) = ValidateTransfer(options.TransferOptions);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(threshold + 1, blockSize));
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, threshold + 1), threshold + 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read <= threshold)
            {
                return await PutBlobAsync(buffer.AsMemory(0, read), options, cancellationToken).ConfigureAwait(false);
            }

            var uploadId = Guid.NewGuid();
            var blockIds = new List<string>();
            using var wholeMd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            async Task StageAsync(ReadOnlyMemory<byte> block)
            {
                if (blockIds.Count == MaxBlocks)
                {
                    throw new InvalidOperationException($"The content needs more than {MaxBlocks} blocks of {blockSize} bytes; raise BlockSize.");
                }

                blockIds.Add(NewBlockId(uploadId, blockIds.Count));
                wholeMd5.AppendData(block.Span);
                await StageBlockAsync(blockIds[^1], block, cancellationToken).ConfigureAwait(false);
            }

            // Stage whole blocks of what the first read brought, then keep the rest as the start of the next block.
            var offset = 0;
            for (; read - offset >= blockSize; offset += blockSize)
            {
                await StageAsync(buffer.AsMemory(offset, blockSize)).ConfigureAwait(false);
            }

            var carried = read - offset;
            buffer.AsSpan(offset, carried).CopyTo(buffer);
            while (true)
            {
                var size = carried + await content.ReadAtLeastAsync(buffer.AsMemory(carried, blockSize - carried), blockSize - carried,
                    throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                carried = 0;
                if (size > 0)
                {
                    await StageAsync(buffer.AsMemory(0, size)).ConfigureAwait(false);
                }

                if (size < blockSize)
                {
                    break;
                }
            }

            return await CommitBlockListCoreAsync(blockIds, wholeMd5.GetHashAndReset(), options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Cleared: the pool is process-wide and the buffer held tenant content.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>
    /// Uploads <paramref name="content"/> held in memory: in one Put Blob, sent from the memory as it is, when it fits
    /// within InitialTransferSize; otherwise block by block as <see cref="UploadAsync(Stream, BlobUploadOptions?, CancellationToken)"/> does.
    /// </summary>
    public virtual Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        var (threshold, _) = ValidateTransfer(options.TransferOptions);
        var memory = content.ToMemory();
        return memory.Length <= threshold ? PutBlobAsync(memory, options, cancellationToken) : UploadAsync(content.ToStream(), options, cancellationToken);
    }

    /// <summary>
    /// Put Block: stages <paramref name="content"/> under <paramref name="base64BlockId"/> without changing the blob.
    /// Staged blocks are invisible (the blob does not exist, or keeps its old content) until
    /// <see cref="CommitBlockListAsync"/> names them; the service discards uncommitted blocks after a week, or when
    /// another block list is committed. All block IDs of one blob must be base64 of the same length (see <see cref="NewBlockId"/>).
    /// </summary>
    public virtual async Task<Response<BlockInfo>> StageBlockAsync(string base64BlockId, ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(base64BlockId);
        using var message = _context.NewMessage(RequestMethod.Put, _blobUri);
        message.Request.Uri.AppendQuery("comp", "block");
        message.Request.Uri.AppendQuery("blockid", base64BlockId);
        // The service checks each block against its MD5, so a block corrupted in transit fails instead of being committed.
        message.Request.Headers.SetValue("Content-MD5", Convert.ToBase64String(MD5.HashData(content.Span)));
        message.Request.Content = RequestContent.Create(content);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        return Response.FromValue(new BlockInfo(ContentMd5(response)), response);
    }

    /// <summary>
    /// Put Block List: makes the blob the staged blocks named, in order, with the options' content type and metadata
    /// (replacing any existing content); the options' conditions apply to the existing blob and their transfer sizes
    /// are not used. Staged blocks left out are discarded.
    /// </summary>
    public virtual Task<Response<BlobContentInfo>> CommitBlockListAsync(IEnumerable<string> base64BlockIds, BlobUploadOptions? options = null,
        CancellationToken cancellationToken = default) =>
        CommitBlockListCoreAsync(base64BlockIds, null, options, cancellationToken);

    /// <summary>
    /// A block ID for block <paramref name="index"/> of one upload: base64 of the upload's ID and the big-endian index,
    /// the same length for every block. The upload ID keeps blocks of concurrent uploads to the same blob apart.
    /// </summary>
    public static string NewBlockId(Guid uploadId, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Span<byte> id = stackalloc byte[20];
        uploadId.TryWriteBytes(id);
        BinaryPrimitives.WriteInt32BigEndian(id[16..], index);
        return Convert.ToBase64String(id);
    }

    /// <summary>Get Blob, streamed: the returned content is read from the network as it is read. Dispose the result.</summary>
    public virtual async Task<Response<BlobDownloadStreamingResult>> DownloadStreamingAsync(BlobRequestConditions? conditions = null,
        CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Get, _blobUri);
        message.BufferResponse = false;
        StorageRest.ApplyConditions(message.Request, conditions);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var stream = message.ExtractResponseContent() ?? Stream.Null;
        var p = ReadProperties(response);
        return Response.FromValue(
            new BlobDownloadStreamingResult(stream, new BlobDownloadDetails(p.ContentLength, p.ContentType, p.ETag, p.LastModified, p.Metadata, p.ContentHash)),
            response);
    }

    /// <summary>Get Blob Properties.</summary>
    public virtual async Task<Response<BlobProperties>> GetPropertiesAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Head, _blobUri);
        StorageRest.ApplyConditions(message.Request, conditions);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        return Response.FromValue(ReadProperties(response), response);
    }

    /// <summary>Whether the blob exists.</summary>
    public virtual async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Head, _blobUri);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 200, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 200, response);
    }

    /// <summary>Delete Blob (with its snapshots); a stale If-Match fails with 412 ConditionNotMet.</summary>
    public virtual async Task<Response> DeleteAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = NewDelete(conditions);
        return await _context.Pipeline.SendAsync(message, cancellationToken, 202).ConfigureAwait(false);
    }

    /// <summary>Delete Blob; false when there was no such blob.</summary>
    public virtual async Task<Response<bool>> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = NewDelete(conditions);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 202, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 202, response);
    }

    /// <summary>Get Block List: the committed blocks in order, and any staged but uncommitted ones.</summary>
    public virtual async Task<Response<BlockList>> GetBlockListAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Get, _blobUri);
        message.Request.Uri.AppendQuery("comp", "blocklist");
        message.Request.Uri.AppendQuery("blocklisttype", "all");
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var root = StorageRest.ReadXml(response);
        List<BlobBlock> Blocks(string list) => root.Element(list)?.Elements("Block")
            .Select(b => new BlobBlock(b.Element("Name")?.Value ?? string.Empty, long.Parse(b.Element("Size")?.Value ?? "0", CultureInfo.InvariantCulture)))
            .ToList() ?? [];
        return Response.FromValue(new BlockList(Blocks("CommittedBlocks"), Blocks("UncommittedBlocks")), response);
    }

    /// <summary>A service SAS URL for this blob (sr=b) with the given permissions, valid until <paramref name="expiresOn"/>.</summary>
    public virtual Uri GenerateSasUri(BlobSasPermissions permissions, DateTimeOffset expiresOn)
    {
        var builder = new BlobSasBuilder { BlobContainerName = BlobContainerName, BlobName = Name, Resource = "b", ExpiresOn = expiresOn };
        builder.SetPermissions(permissions);
        return GenerateSasUri(builder);
    }

    /// <summary>A service SAS URL for this blob from a builder (its container and blob default to this client's).</summary>
    public virtual Uri GenerateSasUri(BlobSasBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = _context.Auth.SharedKey
                  ?? throw new InvalidOperationException("Only a client built with the account key can sign a SAS (see CanGenerateSasUri).");
        if (builder.BlobContainerName.Length == 0)
        {
            builder.BlobContainerName = BlobContainerName;
        }

        if (builder.BlobName.Length == 0)
        {
            builder.BlobName = Name;
        }

        if (builder.BlobContainerName != BlobContainerName || builder.BlobName != Name)
        {
            throw new ArgumentException("The builder names another blob than this client's.", nameof(builder));
        }

        return new Uri(_blobUri + "?" + builder.ToSasQueryParameters(key));
    }

    private async Task<Response<BlobContentInfo>> PutBlobAsync(ReadOnlyMemory<byte> content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        using var message = _context.NewMessage(RequestMethod.Put, _blobUri);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        SetBlobHeaders(message.Request, options);
        message.Request.Headers.SetValue("Content-MD5", Convert.ToBase64String(MD5.HashData(content.Span)));
        message.Request.Content = RequestContent.Create(content);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        return Response.FromValue(ContentInfo(response), response);
    }

    private async Task<Response<BlobContentInfo>> CommitBlockListCoreAsync(IEnumerable<string> base64BlockIds, byte[]? wholeMd5,
        BlobUploadOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(base64BlockIds);
        using var message = _context.NewMessage(RequestMethod.Put, _blobUri);
        message.Request.Uri.AppendQuery("comp", "blocklist");
        SetBlobHeaders(message.Request, options ?? new BlobUploadOptions());
        if (wholeMd5 is not null)
        {
            // Stored as the blob's Content-MD5, which Put Block List would otherwise leave empty.
            message.Request.Headers.SetValue("x-ms-blob-content-md5", Convert.ToBase64String(wholeMd5));
        }

        message.Request.Content = StorageRest.XmlContent(new XElement("BlockList", base64BlockIds.Select(id => new XElement("Latest", id))));
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        return Response.FromValue(ContentInfo(response), response);
    }

    private static void SetBlobHeaders(Request request, BlobUploadOptions options)
    {
        if (options.ContentType is { } contentType)
        {
            request.Headers.SetValue("x-ms-blob-content-type", contentType);
        }

        StorageRest.AddMetadata(request, options.Metadata);
        StorageRest.ApplyConditions(request, options.Conditions);
    }

    private HttpMessage NewDelete(BlobRequestConditions? conditions)
    {
        var message = _context.NewMessage(RequestMethod.Delete, _blobUri);
        message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
        StorageRest.ApplyConditions(message.Request, conditions);
        return message;
    }

    private static BlobContentInfo ContentInfo(Response response) =>
        new(response.Headers.ETag ?? default, StorageRest.HeaderDate(response, "Last-Modified") ?? default, ContentMd5(response));

    private static BlobProperties ReadProperties(Response response) =>
        new(response.Headers.ContentLengthLong ?? 0, response.Headers.ContentType, response.Headers.ETag ?? default,
            StorageRest.HeaderDate(response, "Last-Modified") ?? default, StorageRest.ReadMetadata(response), ContentMd5(response));

    private static byte[]? ContentMd5(Response response) =>
        StorageRest.Header(response, "Content-MD5") is { Length: > 0 } md5 ? Convert.FromBase64String(md5) : null;

    private static (int Threshold, int BlockSize) ValidateTransfer(BlobTransferOptions? transfer)
    {
        transfer ??= new BlobTransferOptions();
        if (transfer.InitialTransferSize is < 0 or > BlobTransferOptions.MaxBufferSize - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(transfer), transfer.InitialTransferSize,
                $"InitialTransferSize must be between 0 and {BlobTransferOptions.MaxBufferSize - 1} bytes.");
        }

        if (transfer.BlockSize is < 1 or > BlobTransferOptions.MaxBufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(transfer), transfer.BlockSize,
                $"BlockSize must be between 1 and {BlobTransferOptions.MaxBufferSize} bytes.");
        }

        return (transfer.InitialTransferSize, transfer.BlockSize);
    }

    private static string SasOf(Uri blobUriWithSas)
    {
        ArgumentNullException.ThrowIfNull(blobUriWithSas);
        var query = blobUriWithSas.Query.TrimStart('?');
        if (!query.Contains("sig=", StringComparison.Ordinal))
        {
            throw new ArgumentException("The URI carries no SAS (no sig= in its query).", nameof(blobUriWithSas));
        }

        return query;
    }

    private static Uri BlobUriFromConnectionString(string connectionString, string blobContainerName, string blobName, out StorageConnectionString parsed)
    {
        parsed = StorageConnectionString.Parse(connectionString);
        return StorageRest.Child(StorageRest.Child(parsed.BlobEndpoint, blobContainerName), blobName);
    }
}
