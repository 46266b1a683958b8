using LandRedevelopment.Evidence;

namespace LandRedevelopment.Shared.Tests.Evidence;

public class EvidenceNamesTests
{
    [Theory]
    [InlineData("现场照片-01.jpg")]
    [InlineData("photo.jpg")]
    [InlineData("Site survey 2024_03.PDF")]
    [InlineData("a.b")]
    [InlineData("archive.tar.gz")]
    [InlineData("厂房 东立面.heic")]
    [InlineData("二期-地块.png")]
    [InlineData("𠀀𠀁.jpg")]
    [InlineData("conference.pdf")]
    [InlineData("COM10.txt")]
    [InlineData("x.7z")]
    public void Safe(string name) => Assert.True(EvidenceNames.IsSafe(name), name);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../x.pdf")]
    [InlineData("..\\x.pdf")]
    [InlineData("a/b.jpg")]
    [InlineData("a\\b.jpg")]
    [InlineData(".env")]
    [InlineData(".jpg")]
    [InlineData("photo")]
    [InlineData("photo.")]
    [InlineData("photo..jpg")]
    [InlineData(" photo.jpg")]
    [InlineData("photo.jpg ")]
    [InlineData("photo. jpg")]
    [InlineData("photo.jp-g")]
    [InlineData("line\nbreak.jpg")]
    [InlineData("tab\t.jpg")]
    [InlineData("nul\0.jpg")]
    [InlineData("CON.jpg")]
    [InlineData("con.tar.gz")]
    [InlineData("nul .txt")]
    [InlineData("Aux.pdf")]
    [InlineData("COM1.jpg")]
    [InlineData("lpt9.png")]
    [InlineData("a:b.jpg")]
    [InlineData("a*b.jpg")]
    [InlineData("photo<1>.jpg")]
    [InlineData("现场照片（一）.jpg")]
    [InlineData("gpj.\u202Eexe")]
    [InlineData("emoji😀.jpg")]
    public void Unsafe(string? name) => Assert.False(EvidenceNames.IsSafe(name), name);

    [Fact]
    public void Length_counts_characters_up_to_128()
    {
        Assert.True(EvidenceNames.IsSafe(new string('照', 124) + ".jpg"));
        Assert.False(EvidenceNames.IsSafe(new string('照', 125) + ".jpg"));
        Assert.True(EvidenceNames.IsSafe(new string('a', 124) + ".pdf"));
        Assert.False(EvidenceNames.IsSafe(new string('a', 125) + ".pdf"));
        Assert.Contains("128", EvidenceNames.Rule, StringComparison.Ordinal);
    }
}
