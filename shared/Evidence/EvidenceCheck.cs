using System.Buffers;
using System.Security.Cryptography;

namespace LandRedevelopment.Evidence;

/// <summary>
/// Judges a body against its declaration as it streams past: counts bytes, hashes them with SHA-256 and sniffs the
/// leading bytes, failing as soon as the body is longer than declared or its start contradicts the declared type.
/// </summary>
internal sealed class EvidenceCheck : IDisposable
{
    private readonly DeclaredFile _declared;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _head = new byte[ContentSniffer.HeadLength];
    private int _headLength;
    private bool _typeChecked;

    public EvidenceCheck(DeclaredFile declared)
    {
        Validate(declared);
        _declared = declared;
    }

    /// <summary>The bytes seen so far.</summary>
    public long Total { get; private set; }

    /// <summary>
    /// How many bytes to ask the body for next, at most <paramref name="room"/>: never more than one past the declared
    /// size, so an oversized body is caught having read only that one extra byte.
    /// </summary>
    public int NextRead(int room)
    {
        // Total never passes the declared size while reading goes on, so the difference cannot overflow.
        var left = _declared.Size - Total;
        return left >= room ? room : (int)left + 1;
    }

    /// <summary>Takes the next bytes of the body; a failure when they already break a rule.</summary>
    public EvidenceVerdict? Append(ReadOnlySpan<byte> data)
    {
        Total += data.Length;
        if (Total > _declared.Size)
        {
            return EvidenceVerdict.SizeMismatch(_declared.Size, Total, exceeded: true);
        }

        _sha256.AppendData(data);
        if (_headLength < _head.Length)
        {
            var n = Math.Min(data.Length, _head.Length - _headLength);
            data[..n].CopyTo(_head.AsSpan(_headLength));
            _headLength += n;
            if (_headLength == _head.Length)
            {
                return CheckType();
            }
        }

        return null;
    }

    /// <summary>The verdict once the body has ended.</summary>
    public EvidenceVerdict Finish()
    {
        if (Total == 0)
        {
            return EvidenceVerdict.Empty();
        }

        if (!_typeChecked && CheckType() is { } mismatch)
        {
            return mismatch;
        }

        if (Total != _declared.Size)
        {
            return EvidenceVerdict.SizeMismatch(_declared.Size, Total);
        }

        var actual = Convert.ToHexStringLower(_sha256.GetHashAndReset());
        return string.Equals(actual, _declared.Sha256Hex.Trim(), StringComparison.OrdinalIgnoreCase)
            ? EvidenceVerdict.Ok
            : EvidenceVerdict.HashMismatch(_declared.Sha256Hex, actual);
    }

    public void Dispose() => _sha256.Dispose();

    /// <summary>
    /// Reads <paramref name="body"/> to its end (or to the first broken rule) through a buffer of
    /// <paramref name="bufferSize"/> bytes, handing each full buffer, and on success the final partial one, to
    /// <paramref name="stage"/>. Staging overlaps reading the next buffer, so two buffers are in use; the last buffer is
    /// staged only once the whole body is known to be good. Waits for every staging it started before returning.
    /// </summary>
    public static async Task<EvidenceVerdict> ReadAsync(Stream body, DeclaredFile declared, int bufferSize,
        Func<ReadOnlyMemory<byte>, Task>? stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        using var check = new EvidenceCheck(declared);
        var current = ArrayPool<byte>.Shared.Rent(bufferSize);
        var spare = stage is null ? null : ArrayPool<byte>.Shared.Rent(bufferSize);
        Task? pending = null;
        try
        {
            var filled = 0;
            while (true)
            {
                var read = await body.ReadAsync(current.AsMemory(filled, check.NextRead(bufferSize - filled)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (check.Append(current.AsSpan(filled, read)) is { } failure)
                {
                    return failure;
                }

                filled += read;
                if (filled == bufferSize)
                {
                    if (stage is not null)
                    {
                        await AwaitAsync(pending).ConfigureAwait(false);
                        pending = stage(current.AsMemory(0, filled));
                        // The block in flight keeps its buffer; reading goes on into the other one.
                        (current, spare) = (spare!, current);
                    }

                    filled = 0;
                }
            }

            var verdict = check.Finish();
            if (verdict.IsOk && stage is not null)
            {
                await AwaitAsync(pending).ConfigureAwait(false);
                pending = null;
                if (filled > 0)
                {
                    await stage(current.AsMemory(0, filled)).ConfigureAwait(false);
                }
            }

            return verdict;
        }
        finally
        {
            if (pending is not null)
            {
                // A rejected or failed read: the staging's outcome no longer matters, but its buffer must not go back to
                // the pool while a request may still be sending from it.
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Uncommitted blocks are discarded by the service; the verdict or the original exception is what counts.
                }
            }

            // Cleared: the pool is process-wide and the buffers held tenant content.
            ArrayPool<byte>.Shared.Return(current, clearArray: true);
            if (spare is not null)
            {
                ArrayPool<byte>.Shared.Return(spare, clearArray: true);
            }
        }
    }

    internal static void Validate(DeclaredFile declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(declared.Sha256Hex, nameof(declared));
        ArgumentNullException.ThrowIfNull(declared.ContentType, nameof(declared));
        if (declared.Size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(declared), declared.Size, "The declared size cannot be negative.");
        }
    }

    private static Task AwaitAsync(Task? task) => task ?? Task.CompletedTask;

    private EvidenceVerdict? CheckType()
    {
        _typeChecked = true;
        var head = _head.AsSpan(0, _headLength);
        return ContentSniffer.Contradicts(_declared.ContentType, head)
            ? EvidenceVerdict.ContentTypeMismatch(_declared.ContentType, ContentSniffer.LooksLike(head))
            : null;
    }
}
