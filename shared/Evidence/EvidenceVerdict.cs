using System.Globalization;
using Azure;

namespace LandRedevelopment.Evidence;

/// <summary>Which rule an evidence file broke, if any.</summary>
public enum EvidenceVerdictKind
{
    /// <summary>Size, SHA-256 and content type agree with the declaration.</summary>
    Ok,

    /// <summary>The file has no bytes.</summary>
    Empty,

    /// <summary>The file is shorter or longer than declared.</summary>
    SizeMismatch,

    /// <summary>The file's SHA-256 is not the declared one.</summary>
    HashMismatch,

    /// <summary>The file's leading bytes contradict the declared content type.</summary>
    ContentTypeMismatch,
}

/// <summary>
/// Whether an evidence file's bytes agree with its <see cref="DeclaredFile"/>, and if not, which rule they break,
/// what was found, and a message naming the rule (safe to show the field app: it holds only sizes, hashes and types).
/// </summary>
public sealed class EvidenceVerdict
{
    /// <summary>The rule names messages start with.</summary>
    public static class Rules
    {
        /// <summary>Evidence files must have at least one byte.</summary>
        public const string NotEmpty = "evidence.not-empty";

        /// <summary>The file must have exactly the declared number of bytes.</summary>
        public const string Size = "evidence.size";

        /// <summary>The file's SHA-256 must be the declared one.</summary>
        public const string Sha256 = "evidence.sha256";

        /// <summary>The file's leading bytes must not contradict the declared content type.</summary>
        public const string ContentType = "evidence.content-type";
    }

    private EvidenceVerdict(EvidenceVerdictKind kind, string? rule, string message)
    {
        Kind = kind;
        Rule = rule;
        Message = message;
    }

    /// <summary>The verdict for a file that agrees with its declaration.</summary>
    public static EvidenceVerdict Ok { get; } = new(EvidenceVerdictKind.Ok, null, "The file matches its declared size, SHA-256 and content type.");

    /// <summary>Ok, or the rule broken.</summary>
    public EvidenceVerdictKind Kind { get; }

    /// <summary>True when the file agrees with its declaration.</summary>
    public bool IsOk => Kind == EvidenceVerdictKind.Ok;

    /// <summary>The name of the rule broken (one of <see cref="Rules"/>), null when ok.</summary>
    public string? Rule { get; }

    /// <summary>A sentence starting with the rule name, saying what was declared and what was found.</summary>
    public string Message { get; }

    /// <summary>
    /// For <see cref="EvidenceVerdictKind.SizeMismatch"/>: the bytes found, or when <see cref="SizeExceeded"/>, the bytes
    /// read before stopping (a lower bound: the declared size plus one).
    /// </summary>
    public long? ActualSize { get; private init; }

    /// <summary>For <see cref="EvidenceVerdictKind.SizeMismatch"/>: the body went past the declared size and was not read to its end.</summary>
    public bool SizeExceeded { get; private init; }

    /// <summary>For <see cref="EvidenceVerdictKind.HashMismatch"/>: the SHA-256 of the bytes, lower-case hex.</summary>
    public string? ActualSha256Hex { get; private init; }

    /// <summary>
    /// For <see cref="EvidenceVerdictKind.ContentTypeMismatch"/>: the known type the bytes start like, or null when they
    /// start like none of the types <see cref="ContentSniffer"/> knows.
    /// </summary>
    public string? LooksLike { get; private init; }

    /// <summary>The file has no bytes.</summary>
    public static EvidenceVerdict Empty() =>
        new(EvidenceVerdictKind.Empty, Rules.NotEmpty, $"{Rules.NotEmpty}: the file is empty; an evidence file must have content.");

    /// <summary>
    /// The file does not have the declared size: it has <paramref name="actualSize"/> bytes, or when
    /// <paramref name="exceeded"/>, reading stopped after <paramref name="actualSize"/> bytes, past the declared size.
    /// </summary>
    public static EvidenceVerdict SizeMismatch(long declaredSize, long actualSize, bool exceeded = false) =>
        new(EvidenceVerdictKind.SizeMismatch, Rules.Size, exceeded
            ? string.Create(CultureInfo.InvariantCulture, $"{Rules.Size}: declared {declaredSize} bytes but the file is longer; reading stopped after {actualSize}.")
            : string.Create(CultureInfo.InvariantCulture, $"{Rules.Size}: declared {declaredSize} bytes but the file has {actualSize}."))
        {
            ActualSize = actualSize,
            SizeExceeded = exceeded,
        };

    /// <summary>The bytes hash to <paramref name="actualSha256Hex"/>, not the declared hash.</summary>
    public static EvidenceVerdict HashMismatch(string declaredSha256Hex, string actualSha256Hex) =>
        new(EvidenceVerdictKind.HashMismatch, Rules.Sha256,
            $"{Rules.Sha256}: declared SHA-256 {declaredSha256Hex} but the file's is {actualSha256Hex}.")
        {
            ActualSha256Hex = actualSha256Hex,
        };

    /// <summary>The leading bytes contradict <paramref name="declaredContentType"/>; they look like <paramref name="looksLike"/> if known.</summary>
    public static EvidenceVerdict ContentTypeMismatch(string declaredContentType, string? looksLike) =>
        new(EvidenceVerdictKind.ContentTypeMismatch, Rules.ContentType, looksLike is null
            ? $"{Rules.ContentType}: declared {declaredContentType} but the file does not start like one."
            : $"{Rules.ContentType}: declared {declaredContentType} but the file starts like {looksLike}.")
        {
            LooksLike = looksLike,
        };

    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>What <see cref="EvidenceUploader.UploadAsync(LandRedevelopment.Storage.Blobs.BlobClient, DeclaredFile, Stream, CancellationToken)"/> did: the verdict and, when ok, the committed blob's ETag and size.</summary>
/// <param name="Verdict">Ok when the blob was committed; otherwise the rule broken, and no blob was committed.</param>
/// <param name="ETag">The committed blob's ETag, when ok.</param>
/// <param name="Size">The committed blob's size in bytes, when ok.</param>
public sealed record EvidenceUploadResult(EvidenceVerdict Verdict, ETag? ETag, long? Size);

/// <summary>What <see cref="EvidenceVerifier.VerifyStoredAsync"/> found: the verdict and the ETag of the blob version it read.</summary>
/// <param name="Verdict">Whether the stored bytes agree with the declaration.</param>
/// <param name="ETag">The ETag of the blob that was read: delete with it as If-Match to remove exactly the version judged.</param>
public sealed record EvidenceStoredResult(EvidenceVerdict Verdict, ETag ETag);
