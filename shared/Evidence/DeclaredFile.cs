namespace LandRedevelopment.Evidence;

/// <summary>
/// An evidence file as the survey declared it before uploading: its name, the SHA-256 of its bytes (hex, either case),
/// its size in bytes and its content type. The upload is accepted only if the bytes agree with all of it.
/// </summary>
public sealed record DeclaredFile(string Name, string Sha256Hex, long Size, string ContentType);
