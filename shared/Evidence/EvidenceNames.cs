using System.Text;

namespace LandRedevelopment.Evidence;

/// <summary>
/// Which evidence file names are safe to use as the last segment of a blob name and to hand back as a download name
/// on any platform: no paths, no hidden or reserved names, nothing a shell or file system treats specially.
/// </summary>
public static class EvidenceNames
{
    /// <summary>The longest name, in characters (Unicode scalar values).</summary>
    public const int MaxLength = 128;

    /// <summary>The rule, for error messages.</summary>
    public const string Rule =
        "A file name has 1 to 128 characters: letters (Chinese included), digits, '.', '_', '-' and spaces (not at either end); " +
        "it has an extension (name.ext), does not start with '.', contains no '..', no '/' or '\\' and no control characters, " +
        "and is not a reserved device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9).";

    private static readonly HashSet<string> ReservedStems = new(
        new[] { "CON", "PRN", "AUX", "NUL" }
            .Concat(Enumerable.Range(0, 10).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" })),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> follows <see cref="Rule"/>, e.g. <c>现场照片-01.jpg</c>; false for <c>../x.pdf</c>, <c>a/b.jpg</c>, <c>.env</c>, <c>photo</c>.</summary>
    public static bool IsSafe(string? name)
    {
        if (string.IsNullOrEmpty(name) || name[0] is '.' or ' ' || name[^1] is '.' or ' ' || name.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var length = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            // A whitelist: separators, control and format characters (bidi overrides included) and punctuation all fail here.
            if (++length > MaxLength || !(Rune.IsLetterOrDigit(rune) || rune.Value is '.' or '_' or '-' or ' '))
            {
                return false;
            }
        }

        // After the whitelist, an extension of letters and digits only is one free of '_', '-' and spaces.
        var lastDot = name.LastIndexOf('.');
        if (lastDot < 0 || name.AsSpan(lastDot + 1).IndexOfAny("_- ") >= 0)
        {
            return false;
        }

        // Windows treats CON.jpg, and "con .tar.gz", like the device itself.
        var firstDot = name.IndexOf('.', StringComparison.Ordinal);
        return !ReservedStems.Contains(name[..firstDot].TrimEnd());
    }
}
