namespace LandRedevelopment.Evidence;

/// <summary>
/// Tells from a file's leading bytes whether they contradict its declared content type, for the types with
/// well-known signatures (JPEG, PNG, PDF, GIF, WebP, TIFF, HEIC/HEIF, ZIP). A type with no known signature is never
/// contradicted: this catches mislabelled files, it does not restrict which types may be uploaded.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Contradicts"/> and <see cref="LooksLike"/> look at; fewer is fine for shorter files.</summary>
    public const int HeadLength = 64;

    private static readonly string[] HeicBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx"];
    private static readonly string[] HeifBrands = ["mif1", "msf1"];

    // Ordered so that LooksLike names the most specific type first (HEIC before the generic HEIF brands).
    private static readonly (string Type, Func<ReadOnlySpan<byte>, bool> Matches)[] Signatures =
    [
        ("image/jpeg", h => h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])),
        ("image/png", h => h.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
        ("application/pdf", h => h.StartsWith("%PDF-"u8)),
        ("image/gif", h => h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8)),
        ("image/webp", h => h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8)),
        ("image/tiff", h => h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8)),
        ("image/heic", h => HasFtypBrand(h, HeicBrands)),
        ("image/heif", h => HasFtypBrand(h, HeicBrands) || HasFtypBrand(h, HeifBrands)),
        // Local file header, or the end-of-central-directory record an empty archive starts with.
        ("application/zip", h => h.StartsWith("PK\x03\x04"u8) || h.StartsWith("PK\x05\x06"u8)),
    ];

    // Other names clients send for the same formats.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpg"] = "image/jpeg",
        ["image/pjpeg"] = "image/jpeg",
        ["image/x-png"] = "image/png",
        ["application/x-pdf"] = "application/pdf",
        ["application/x-zip-compressed"] = "application/zip",
        ["image/heic-sequence"] = "image/heic",
        ["image/heif-sequence"] = "image/heif",
    };

    /// <summary>The content types this sniffer knows a signature for.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = Signatures.Select(s => s.Type).ToArray();

    /// <summary>
    /// True when <paramref name="declaredContentType"/> has a known signature and <paramref name="head"/> (the file's
    /// first bytes, up to <see cref="HeadLength"/>) does not carry it. Parameters (<c>; charset=…</c>) and case are ignored.
    /// </summary>
    public static bool Contradicts(string declaredContentType, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(declaredContentType);
        var type = Normalize(declaredContentType);
        foreach (var (known, matches) in Signatures)
        {
            if (known == type)
            {
                return !matches(head);
            }
        }

        return false;
    }

    /// <summary>The known content type <paramref name="head"/> starts like, or null when it matches none.</summary>
    public static string? LooksLike(ReadOnlySpan<byte> head)
    {
        foreach (var (known, matches) in Signatures)
        {
            if (matches(head))
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>The media type without parameters, lower case, with aliases mapped to the name <see cref="KnownTypes"/> uses.</summary>
    public static string Normalize(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
        return Aliases.TryGetValue(type, out var canonical) ? canonical : type;
    }

    // ISO base media file: a first box of type 'ftyp' holding a major brand, a minor version and compatible brands.
    private static bool HasFtypBrand(ReadOnlySpan<byte> head, string[] brands)
    {
        if (head.Length < 12 || !head[4..8].SequenceEqual("ftyp"u8))
        {
            return false;
        }

        var boxSize = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head), int.MaxValue);
        var end = Math.Min(Math.Max(boxSize, 12), head.Length);
        for (var at = 8; at + 4 <= end; at += 4)
        {
            // Offset 12 is the minor version, not a brand.
            if (at != 12 && IsOneOf(head.Slice(at, 4), brands))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOneOf(ReadOnlySpan<byte> brand, string[] brands)
    {
        foreach (var candidate in brands)
        {
            if (brand.Length == candidate.Length && brand[0] == candidate[0] && brand[1] == candidate[1] && brand[2] == candidate[2] && brand[3] == candidate[3])
            {
                return true;
            }
        }

        return false;
    }
}
