using LandRedevelopment.Testing;
using System.Security.Cryptography;
using LandRedevelopment.Evidence;

namespace LandRedevelopment.Shared.Tests.Evidence;

/// <summary>Files with real signatures and their declarations.</summary>
internal static class EvidenceTestData
{
    public static readonly byte[] JpegStart = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00];
    public static readonly byte[] PngStart = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    /// <summary><paramref name="length"/> bytes starting with <paramref name="start"/>, the rest pseudo-random.</summary>
    public static byte[] File(byte[] start, int length, int seed = 1)
    {
        var bytes = GeneratedStream.Bytes(length, seed);
        start.AsSpan(0, Math.Min(start.Length, length)).CopyTo(bytes);
        return bytes;
    }

    public static DeclaredFile Declare(byte[] content, string contentType, string name = "现场照片-01.jpg") =>
        new(name, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, contentType);
}

/// <summary>
/// A forward-only stream over bytes, returning at most <paramref name="maxRead"/> per read like a network body, that
/// counts what it has handed out.
/// </summary>
internal sealed class CountingStream(byte[] content, int maxRead = 16 * 1024) : ForwardOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(Math.Min(buffer.Length, maxRead), content.Length - Produced);
        content.AsSpan((int)Produced, n).CopyTo(buffer);
        Produced += n;
        return n;
    }
}
