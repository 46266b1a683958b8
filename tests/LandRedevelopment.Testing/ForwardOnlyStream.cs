namespace LandRedevelopment.Testing;

/// <summary>
/// A read-only, forward-only stream, as a network body is: it cannot seek, report a length or be read
/// twice, so code that tries to buffer or rewind it is caught. Subclasses only say how bytes are produced.
/// </summary>
public abstract class ForwardOnlyStream : Stream
{
    /// <summary>How many bytes have been handed out so far.</summary>
    public long Produced { get; protected set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public abstract override int Read(Span<byte> buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Deterministic pseudo-random bytes of any length, generated as they are read (after an optional fixed start).</summary>
public sealed class GeneratedStream(long length, int seed, byte[]? start = null) : ForwardOnlyStream
{
    private readonly Random _random = new(seed);

    public override int Read(Span<byte> buffer)
    {
        // Short reads on purpose: real network streams return whatever has arrived.
        var n = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024 + 7), length - Produced);
        _random.NextBytes(buffer[..n]);
        if (start is not null && Produced < start.Length)
        {
            var fixedPart = (int)Math.Min(start.Length - Produced, n);
            start.AsSpan((int)Produced, fixedPart).CopyTo(buffer);
        }

        Produced += n;
        return n;
    }

    /// <summary>The same bytes, all at once, for the expected side of a comparison.</summary>
    public static byte[] Bytes(long length, int seed, byte[]? start = null)
    {
        var bytes = new byte[length];
        new GeneratedStream(length, seed, start).ReadExactly(bytes);
        return bytes;
    }
}
