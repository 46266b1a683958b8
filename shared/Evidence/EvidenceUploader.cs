using Azure;
using LandRedevelopment.Storage.Blobs;

namespace LandRedevelopment.Evidence;

/// <summary>
/// Stores an evidence file only if its bytes agree with what the survey declared. The body is streamed into staged
/// blocks while it is counted, hashed and sniffed; the block list is committed only when size, SHA-256 and content
/// type all match, so a rejected upload leaves no blob (the service discards uncommitted blocks). A file smaller than
/// one block is held whole and stored with one Put Blob once it has passed, which equally stores nothing before.
/// </summary>
public static class EvidenceUploader
{
    /// <summary>The size of each staged block, and of each of the two pooled buffers an upload holds.</summary>
    public const int BlockSize = 4 * 1024 * 1024;

    /// <summary>The metadata entry holding the committed blob's SHA-256, lower-case hex.</summary>
    public const string Sha256MetadataName = "sha256";

    // Reading without storing needs no block-sized buffer.
    private const int HashBufferSize = 80 * 1024;

    /// <summary>
    /// Streams <paramref name="body"/> into staged blocks of <paramref name="target"/> and commits them, with the
    /// declared content type and a <see cref="Sha256MetadataName"/> metadata entry, only if the body agrees with
    /// <paramref name="declared"/>. Reading stops as soon as the body is longer than declared (at most one byte past the
    /// declared size is read) or its leading bytes contradict the declared type; the caller then drops the rest of the
    /// body. An existing blob is overwritten: a commit only ever happens with bytes that hash to the declared SHA-256.
    /// Storage failures throw <see cref="Azure.RequestFailedException"/>.
    /// </summary>
    public static Task<EvidenceUploadResult> UploadAsync(BlobClient target, DeclaredFile declared, Stream body, CancellationToken cancellationToken = default) =>
        UploadAsync(target, declared, body, BlockSize, cancellationToken);

    /// <summary>
    /// Reads and judges <paramref name="body"/> against <paramref name="declared"/> without storing it, stopping as early
    /// as <see cref="UploadAsync(BlobClient, DeclaredFile, Stream, CancellationToken)"/> does. Ok means the body is the
    /// declared file byte for byte (as far as SHA-256 tells), so a repeat of an already stored upload is identical.
    /// </summary>
    public static Task<EvidenceVerdict> HashAsync(Stream body, DeclaredFile declared, CancellationToken cancellationToken = default) =>
        EvidenceCheck.ReadAsync(body, declared, HashBufferSize, stage: null, cancellationToken);

    internal static async Task<EvidenceUploadResult> UploadAsync(BlobClient target, DeclaredFile declared, Stream body, int blockSize,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        EvidenceCheck.Validate(declared);
        if (declared.Size > (long)BlobClient.MaxBlocks * blockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(declared), declared.Size,
                $"A blob holds at most {BlobClient.MaxBlocks} blocks of {blockSize} bytes.");
        }

        var options = new BlobUploadOptions
        {
            ContentType = declared.ContentType,
            Metadata = new Dictionary<string, string> { [Sha256MetadataName] = declared.Sha256Hex.Trim().ToLowerInvariant() },
            TransferOptions = new BlobTransferOptions { InitialTransferSize = blockSize },
        };
        if (declared.Size < blockSize)
        {
            // The whole file fits in one buffer, which is handed over only once the body is known to be good: stored
            // with one Put Blob instead of a block and its commit.
            Response<BlobContentInfo>? put = null;
            async Task PutWhole(ReadOnlyMemory<byte> whole) =>
                put = await target.UploadAsync(new BinaryData(whole), options, cancellationToken).ConfigureAwait(false);
            var checkedWhole = await EvidenceCheck.ReadAsync(body, declared, blockSize, PutWhole, cancellationToken).ConfigureAwait(false);
            // A body that passed was handed over (an empty one never passes).
            return checkedWhole.IsOk
                ? new EvidenceUploadResult(checkedWhole, put!.Value.ETag, declared.Size)
                : new EvidenceUploadResult(checkedWhole, null, null);
        }

        var uploadId = Guid.NewGuid();
        var blockIds = new List<string>();
        Task Stage(ReadOnlyMemory<byte> block)
        {
            blockIds.Add(BlobClient.NewBlockId(uploadId, blockIds.Count));
            return target.StageBlockAsync(blockIds[^1], block, cancellationToken);
        }

        var verdict = await EvidenceCheck.ReadAsync(body, declared, blockSize, Stage, cancellationToken).ConfigureAwait(false);
        if (!verdict.IsOk)
        {
            return new EvidenceUploadResult(verdict, null, null);
        }

        var info = await target.CommitBlockListAsync(blockIds, options, cancellationToken).ConfigureAwait(false);
        return new EvidenceUploadResult(verdict, info.Value.ETag, declared.Size);
    }
}
