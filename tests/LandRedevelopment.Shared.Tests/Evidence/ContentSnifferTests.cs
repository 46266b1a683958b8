using LandRedevelopment.Evidence;

namespace LandRedevelopment.Shared.Tests.Evidence;

public class ContentSnifferTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static byte[] Ascii(string text) => System.Text.Encoding.Latin1.GetBytes(text);

    public static TheoryData<string, byte[], string?> Heads => new()
    {
        { "jpeg", Hex("FF D8 FF E0 00 10 4A 46 49 46"), "image/jpeg" },
        { "jpeg exif", Hex("FF D8 FF E1 12 34 45 78 69 66"), "image/jpeg" },
        { "png", Hex("89 50 4E 47 0D 0A 1A 0A 00 00 00 0D 49 48 44 52"), "image/png" },
        { "pdf", Ascii("%PDF-1.7\n%\u00e2\u00e3"), "application/pdf" },
        { "gif87", Ascii("GIF87a\u0001\u0000"), "image/gif" },
        { "gif89", Ascii("GIF89a\u0001\u0000"), "image/gif" },
        { "webp", Ascii("RIFF\u0024\u0000\u0000\u0000WEBPVP8 "), "image/webp" },
        { "wav is RIFF but not webp", Ascii("RIFF\u0024\u0000\u0000\u0000WAVEfmt "), null },
        { "tiff little-endian", Hex("49 49 2A 00 08 00 00 00"), "image/tiff" },
        { "tiff big-endian", Hex("4D 4D 00 2A 00 00 00 08"), "image/tiff" },
        { "heic (iPhone)", Hex("00 00 00 18") .Concat(Ascii("ftypheic\0\0\0\0mif1heic")).ToArray(), "image/heic" },
        { "heif with only mif1", Hex("00 00 00 18").Concat(Ascii("ftypmif1\0\0\0\0mif1miaf")).ToArray(), "image/heif" },
        { "heif sequence msf1", Hex("00 00 00 14").Concat(Ascii("ftypmsf1\0\0\0\0msf1")).ToArray(), "image/heif" },
        { "mp4 is ftyp but no HEIF brand", Hex("00 00 00 18").Concat(Ascii("ftypisom\0\0\u0002\0isomiso2")).ToArray(), null },
        { "brand in the minor version slot does not count", Hex("00 00 00 10").Concat(Ascii("ftypisomheic")).ToArray(), null },
        { "zip", Hex("50 4B 03 04 14 00 00 00"), "application/zip" },
        { "empty zip", Hex("50 4B 05 06 00 00 00 00"), "application/zip" },
        { "text", Ascii("hello, world"), null },
        { "nothing", [], null },
        { "half a jpeg signature", Hex("FF D8"), null },
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void Looks_like_the_type_whose_signature_the_head_carries(string what, byte[] head, string? expected)
    {
        Assert.True(ContentSniffer.LooksLike(head) == expected, $"{what}: expected {expected ?? "none"}, got {ContentSniffer.LooksLike(head) ?? "none"}");
        if (expected is not null)
        {
            Assert.False(ContentSniffer.Contradicts(expected, head), what);
        }
    }

    [Theory]
    [InlineData("image/jpeg", "89 50 4E 47 0D 0A 1A 0A", true)]
    [InlineData("image/jpeg", "FF D8 FF DB", false)]
    [InlineData("IMAGE/JPEG", "FF D8 FF DB", false)]
    [InlineData("image/jpg", "FF D8 FF DB", false)]
    [InlineData("image/jpeg; name=x", "25 50 44 46 2D", true)]
    [InlineData("image/png", "FF D8 FF DB", true)]
    [InlineData("application/pdf", "25 50 44 46 2D 31", false)]
    [InlineData("application/pdf", "20 25 50 44 46 2D", true)]
    [InlineData("application/pdf", "", true)]
    [InlineData("image/tiff", "49 49 00 2A", true)]
    [InlineData("application/zip", "50 4B 03 04", false)]
    [InlineData("application/x-zip-compressed", "FF D8 FF DB", true)]
    [InlineData("image/heic", "00 00 00 18 66 74 79 70 6D 69 66 31 00 00 00 00 6D 69 66 31 68 65 69 63", false)]
    [InlineData("image/heif", "00 00 00 18 66 74 79 70 68 65 69 63 00 00 00 00 6D 69 66 31 68 65 69 63", false)]
    [InlineData("image/heic", "FF D8 FF DB", true)]
    [InlineData("text/plain", "FF D8 FF DB", false)]
    [InlineData("application/octet-stream", "", false)]
    [InlineData("video/mp4", "89 50 4E 47 0D 0A 1A 0A", false)]
    public void Only_a_type_with_a_known_signature_can_be_contradicted(string declared, string head, bool contradicted) =>
        Assert.Equal(contradicted, ContentSniffer.Contradicts(declared, Hex(head)));

    [Fact]
    public void Every_known_type_has_a_signature_that_no_other_known_type_claims_first()
    {
        Assert.Equal(["image/jpeg", "image/png", "application/pdf", "image/gif", "image/webp", "image/tiff", "image/heic", "image/heif", "application/zip"],
            ContentSniffer.KnownTypes);
        Assert.Equal("image/jpeg", ContentSniffer.Normalize(" Image/JPG ; q=1"));
    }
}
