using LandRedevelopment.Storage.Blobs;

namespace LandRedevelopment.Evidence;

/// <summary>
/// Judges an evidence file that reached storage without passing through <see cref="EvidenceUploader"/> (uploaded
/// directly with a SAS URL) by the same rules: size, SHA-256 and content type against the declaration.
/// </summary>
public static class EvidenceVerifier
{
    private const int BufferSize = 80 * 1024;

    /// <summary>
    /// Streams the stored blob and judges it against <paramref name="declared"/>; a stored length that differs from the
    /// declared size fails without reading the content. Returns the verdict and the ETag of the blob version read, so the
    /// caller can delete exactly that version when it is bad. A missing blob throws
    /// <see cref="Azure.RequestFailedException"/> (404, BlobNotFound).
    /// </summary>
    public static async Task<EvidenceStoredResult> VerifyStoredAsync(BlobClient blob, DeclaredFile declared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        EvidenceCheck.Validate(declared);
        using var download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var length = download.Details.ContentLength;
        var verdict = length == 0 ? EvidenceVerdict.Empty()
            : length != declared.Size ? EvidenceVerdict.SizeMismatch(declared.Size, length)
            : await EvidenceCheck.ReadAsync(download.Content, declared, BufferSize, stage: null, cancellationToken).ConfigureAwait(false);
        return new EvidenceStoredResult(verdict, download.Details.ETag);
    }
}
