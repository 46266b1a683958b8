using System.Globalization;
using System.Numerics;

namespace LandRedevelopment.Functions.Hosting.Timers;

/// <summary>
/// One NCRONTAB field: its name and range, and, once parsed, the set of values it allows as a bit mask
/// (every range fits in 64 bits), which makes "the next allowed value from here" a single bit scan.
/// </summary>
internal readonly struct CronField
{
    public static readonly CronField Second = new("second", 0, 59, null);
    public static readonly CronField Minute = new("minute", 0, 59, null);
    public static readonly CronField Hour = new("hour", 0, 23, null);
    public static readonly CronField Day = new("day", 1, 31, null);
    public static readonly CronField Month = new("month", 1, 12,
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);
    // Sunday is 0 and 7 is out of range, as in NCrontab (and so in the Functions host).
    public static readonly CronField DayOfWeek = new("day-of-week", 0, 6,
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]);

    /// <summary>The fields in expression order.</summary>
    public static readonly CronField[] All = [Second, Minute, Hour, Day, Month, DayOfWeek];

    private readonly string[]? _names;
    private readonly ulong _mask;

    private CronField(string name, int min, int max, string[]? names, ulong mask = 0)
    {
        Name = name;
        Min = min;
        Max = max;
        _names = names;
        _mask = mask;
    }

    public string Name { get; }
    public int Min { get; }
    public int Max { get; }

    public bool Contains(int value) => value is >= 0 and < 64 && (_mask & (1UL << value)) != 0;

    /// <summary>The smallest allowed value at or above <paramref name="value"/>, or -1 when there is none.</summary>
    public int Next(int value)
    {
        if (value > 63)
        {
            return -1;
        }
        var rest = _mask & (ulong.MaxValue << value);
        return rest == 0 ? -1 : BitOperations.TrailingZeroCount(rest);
    }

    /// <summary>Parses <paramref name="text"/> as this field, returning the field with its allowed values.</summary>
    public CronField Parse(string text)
    {
        ulong mask = 0;
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0)
            {
                throw Error($"'{text}' has an empty list item");
            }
            mask |= ParseItem(item);
        }
        return new CronField(Name, Min, Max, _names, mask);
    }

    /// <summary>One list item: <c>*</c>, <c>a</c> or <c>a-b</c>, optionally followed by <c>/step</c>.</summary>
    private ulong ParseItem(string item)
    {
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var range = slash < 0 ? item : item[..slash];
        var step = 1;
        if (slash >= 0)
        {
            var stepText = item[(slash + 1)..];
            if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step))
            {
                throw Error($"step '{stepText}' in '{item}' is not a number");
            }
            if (step == 0)
            {
                throw Error($"step 0 in '{item}' must be at least 1");
            }
        }

        int first, last;
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (range == "*")
        {
            (first, last) = (Min, Max);
        }
        else if (dash >= 0)
        {
            (first, last) = (ParseValue(range[..dash], item), ParseValue(range[(dash + 1)..], item));
            if (first > last)
            {
                throw Error($"range {range} is reversed (its start is after its end)");
            }
        }
        else
        {
            first = ParseValue(range, item);
            // NCrontab reads "a/n" as "a-max/n"; a lone value is just itself.
            last = slash >= 0 ? Max : first;
        }

        ulong mask = 0;
        for (long v = first; v <= last; v += step) // long: a huge step must not wrap around
        {
            mask |= 1UL << (int)v;
        }
        return mask;
    }

    private int ParseValue(string text, string item)
    {
        int value;
        if (text.Length > 0 && char.IsAsciiDigit(text[0]))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                throw Error($"value '{text}' in '{item}' is not a number");
            }
        }
        else
        {
            value = LookUpName(text, item);
        }
        if (value < Min || value > Max)
        {
            throw Error($"value {value} is out of range {Min}-{Max}");
        }
        return value;
    }

    /// <summary>
    /// A month or day name: the three-letter abbreviation or the full name, in any case. (NCrontab takes
    /// any prefix of the full name, where "Ju" silently means June; accepting less avoids that surprise.)
    /// </summary>
    private int LookUpName(string text, string item)
    {
        if (_names is null)
        {
            throw Error($"value '{text}' in '{item}' is not a number");
        }
        for (var i = 0; i < _names.Length; i++)
        {
            if (text.Equals(_names[i], StringComparison.OrdinalIgnoreCase)
                || (text.Length == 3 && _names[i].StartsWith(text, StringComparison.OrdinalIgnoreCase)))
            {
                return Min + i;
            }
        }
        var abbreviations = string.Join(", ", _names.Select(n => n[..3]));
        throw Error($"value '{text}' in '{item}' is not a number {Min}-{Max} or a name ({abbreviations})");
    }

    private FormatException Error(string rule) => new($"Schedule field '{Name}' {rule}.");
}
