using System.Globalization;
using System.Text;

namespace LandRedevelopment.Storage.Tables;

/// <summary>How values are spelled in OData filters, entity addresses and dates.</summary>
internal static class TableValues
{
    /// <summary>The service keeps 100 ns precision; seven fraction digits round-trip every tick.</summary>
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Local times are converted; an unspecified kind is taken as UTC, the only zone the service knows.</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static string FormatDateTime(DateTime value) =>
        ToUtc(value).ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Renders a <see cref="FormattableString"/> with every argument as an OData literal.</summary>
    public static string FormatFilter(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var literals = filter.GetArguments().Select(ToLiteral).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    public static string ToLiteral(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => DoubleLiteral(d),
        DateTimeOffset d => $"datetime'{FormatDateTime(d)}'",
        DateTime d => $"datetime'{FormatDateTime(d)}'",
        Guid g => $"guid'{g:D}'",
        byte[] bytes => $"X'{Convert.ToHexStringLower(bytes)}'",
        BinaryData data => $"X'{Convert.ToHexStringLower(data.ToArray())}'",
        _ => throw new ArgumentException(
            $"A filter argument of type {value.GetType().Name} has no Table service literal; pass a string, bool, int, long, double, DateTime, DateTimeOffset, Guid or byte[].",
            nameof(value)),
    };

    /// <summary>
    /// The address of one entity, e.g. <c>(PartitionKey='a',RowKey='b')</c>: quotes doubled as OData wants,
    /// then percent-encoded so keys with spaces, '#', '%' or non-ASCII text survive the URL.
    /// </summary>
    public static string EntityKeyPath(string partitionKey, string rowKey) =>
        $"(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string DoubleLiteral(double d)
    {
        if (!double.IsFinite(d))
        {
            throw new ArgumentException("NaN and infinities cannot be compared in a Table service filter.", nameof(d));
        }

        // "2" would be read as an Int32 literal; keep the value a double.
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text;
    }

    public static string Join(IEnumerable<string> names)
    {
        var sb = new StringBuilder();
        foreach (var name in names)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(name);
        }

        return sb.ToString();
    }
}
