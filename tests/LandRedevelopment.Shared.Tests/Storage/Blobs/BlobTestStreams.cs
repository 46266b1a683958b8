namespace LandRedevelopment.Shared.Tests.Storage.Blobs;

/// <summary>
/// A forward-only stream of deterministic pseudo-random bytes, as a network body would be: it cannot seek,
/// report a length, or be read twice, so an uploader that tries to buffer or rewind it is caught.
/// </summary>
internal sealed class GeneratedStream(long length, int seed) : Stream
{
    private readonly Random _random = new(seed);

    public long Produced { get; private set; }

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

    public override int Read(Span<byte> buffer)
    {
        // Short reads on purpose: real network streams return whatever has arrived.
        var n = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024 + 7), length - Produced);
        _random.NextBytes(buffer[..n]);
        Produced += n;
        return n;
    }

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

    /// <summary>The same bytes, all at once, for the expected side of a comparison.</summary>
    public static byte[] Bytes(long length, int seed)
    {
        var stream = new GeneratedStream(length, seed);
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
