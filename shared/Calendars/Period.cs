using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text;

namespace LandRedevelopment.Calendars;

/// <summary>
/// A legal period (期间): a number of years, months and days, or a number of working days.
/// </summary>
/// <remarks>
/// <para>
/// The policies state deadlines either in calendar units ("within six months", "within two years") or
/// in working days; a period is one or the other, never both, since the two do not combine into one
/// rule for where the period ends. A period built with an object initialiser is not checked until it
/// is used; <see cref="Create"/> checks at once, and <see cref="IsValid"/> says whether it would pass.
/// </para>
/// <para>
/// The zero period is valid: it ends on the day of the event itself ("20 % on the day the contract is
/// signed").
/// </para>
/// <para>
/// Equality is by components: 12 months and 1 year end on the same day but are different periods,
/// because a policy file should say back the period as its source wrote it.
/// </para>
/// </remarks>
[Description("A legal period: years, months and days (Civil Code arts. 200–204), or working days. Omitted parts are 0.")]
public sealed record Period
{
    /// <summary>Whole years; 0 by default.</summary>
    [Description("Whole years.")]
    public int Years { get; init; }

    /// <summary>Whole months; 0 by default.</summary>
    [Description("Whole months: ends on the corresponding day, or the month's last day.")]
    public int Months { get; init; }

    /// <summary>Whole (calendar) days; 0 by default.</summary>
    [Description("Days, counted from the day after the event.")]
    public int Days { get; init; }

    /// <summary>Working days under a <see cref="HolidayCalendar"/>; 0 by default. Not combinable with the other units.</summary>
    [Description("Working days (not with years, months or days): weekends and holidays skipped, make-up working days counted.")]
    public int WorkingDays { get; init; }

    /// <summary>Whether this period counts working days rather than calendar units.</summary>
    [JsonIgnore]
    public bool IsWorkingDays => WorkingDays > 0;

    /// <summary>Whether the period is well formed: no negative component, and not both calendar units and working days.</summary>
    [JsonIgnore]
    public bool IsValid => Problem is null;

    private string? Problem =>
        Years < 0 || Months < 0 || Days < 0 || WorkingDays < 0
            ? "a period cannot have a negative component"
            : WorkingDays > 0 && (Years > 0 || Months > 0 || Days > 0)
                ? "a period is in calendar units (years, months, days) or in working days, not both"
                : null;

    /// <summary>Throws if the period is not <see cref="IsValid"/>; returns it otherwise.</summary>
    /// <exception cref="ArgumentException">The period is not valid.</exception>
    public Period Validate() =>
        Problem is { } problem ? throw new ArgumentException($"Invalid period ({Describe()}): {problem}.") : this;

    /// <summary>A checked period.</summary>
    /// <exception cref="ArgumentException">A negative component, or calendar units mixed with working days.</exception>
    public static Period Create(int years = 0, int months = 0, int days = 0, int workingDays = 0) =>
        new Period { Years = years, Months = months, Days = days, WorkingDays = workingDays }.Validate();

    /// <summary>A period of <paramref name="years"/> years.</summary>
    public static Period OfYears(int years) => Create(years: years);

    /// <summary>A period of <paramref name="months"/> months.</summary>
    public static Period OfMonths(int months) => Create(months: months);

    /// <summary>A period of <paramref name="days"/> days.</summary>
    public static Period OfDays(int days) => Create(days: days);

    /// <summary>A period of <paramref name="workingDays"/> working days.</summary>
    public static Period OfWorkingDays(int workingDays) => Create(workingDays: workingDays);

    /// <summary>The period in words: <c>6 months</c>, <c>1 year 2 months 10 days</c>, <c>20 working days</c>, <c>0 days</c>.</summary>
    public override string ToString() => Describe();

    private string Describe()
    {
        var parts = new List<string>();
        Add(Years, "year");
        Add(Months, "month");
        Add(Days, "day");
        Add(WorkingDays, "working day");
        return parts.Count == 0 ? "0 days" : string.Join(' ', parts);

        void Add(int count, string unit)
        {
            if (count != 0)
            {
                parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + unit + (count == 1 ? "" : "s"));
            }
        }
    }

    /// <summary>The period as an ISO 8601 duration of date components: <c>P6M</c>, <c>P1Y2M10D</c>, <c>P0D</c>.</summary>
    /// <exception cref="InvalidOperationException">The period is in working days, which ISO 8601 has no form for.</exception>
    /// <exception cref="ArgumentException">The period is not valid.</exception>
    public string ToIso8601()
    {
        Validate();
        if (IsWorkingDays)
        {
            throw new InvalidOperationException($"{this} has no ISO 8601 form; write it as \"{this}\".");
        }

        var text = new StringBuilder("P");
        if (Years != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Years}Y");
        }

        if (Months != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Months}M");
        }

        if (Days != 0 || text.Length == 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Days}D");
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads an ISO 8601 duration of whole years, months and days (<c>P1Y2M10D</c>, <c>P6M</c>, <c>P0D</c>).
    /// </summary>
    /// <remarks>
    /// Only the calendar units the Civil Code counts periods in: weeks, time components (<c>T…</c>),
    /// fractions and signs are refused, as are working days (which ISO 8601 cannot express).
    /// </remarks>
    /// <exception cref="FormatException">The text is not such a duration.</exception>
    public static Period ParseIso8601(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseIso8601(text, out var period)
            ? period
            : throw new FormatException($"'{text}' is not an ISO 8601 period of whole years, months and days such as P1Y2M10D.");
    }

    /// <summary>Reads an ISO 8601 duration as <see cref="ParseIso8601"/> does, without throwing.</summary>
    public static bool TryParseIso8601(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Period? period)
    {
        period = null;
        if (text is null || text.Length < 3 || text[0] != 'P')
        {
            return false;
        }

        int years = 0, months = 0, days = 0;
        var nextUnit = 0; // Y, M, D must come in that order, each at most once.
        var i = 1;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && text[i] is >= '0' and <= '9')
            {
                i++;
            }

            if (i == start || i == text.Length
                || !int.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            var unit = text[i] switch { 'Y' => 1, 'M' => 2, 'D' => 3, _ => 0 };
            if (unit <= nextUnit)
            {
                return false;
            }

            switch (unit)
            {
                case 1: years = value; break;
                case 2: months = value; break;
                default: days = value; break;
            }

            nextUnit = unit;
            i++;
        }

        period = new Period { Years = years, Months = months, Days = days };
        return true;
    }
}
