using System.Globalization;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// A string property holds at most 64 KiB (32K UTF-16 characters); longer text (policy documents,
/// screening results) is split across <c>{name}0</c>, <c>{name}1</c>, … with the count in <c>{name}Chunks</c>.
/// The entity as a whole is still limited to 1 MiB.
/// </summary>
public static class LargeText
{
    private const int ChunkChars = 30_000;

    public static void Set(TableEntity entity, string name, string text)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = 0;
        for (var start = 0; start < text.Length; start += ChunkChars, chunks++)
        {
            entity[name + chunks.ToString(CultureInfo.InvariantCulture)] = text.Substring(start, Math.Min(ChunkChars, text.Length - start));
        }

        entity[name + "Chunks"] = chunks;
    }

    public static string? Get(TableEntity entity, string name)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.GetInt32(name + "Chunks") is not { } chunks)
        {
            return null;
        }

        return string.Concat(Enumerable.Range(0, chunks).Select(i => entity.GetString(name + i.ToString(CultureInfo.InvariantCulture))));
    }
}
