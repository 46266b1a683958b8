using LandRedevelopment.Calendars;

namespace LandRedevelopment.Screening;

/// <summary>
/// The Civil Code reading of a period that screening durations need (arts. 201–202): counted from
/// the day after <c>since</c>; years and months end on the corresponding day, or on that month's
/// last day where it has none (2024-02-29 + 1 year → 2025-02-28). Kept private to the screening
/// until LegalPeriods lands; unlike a deadline, a survey fact is not extended past rest days
/// (art. 203 protects someone who must act, not a state that merely lasts).
/// </summary>
internal static class ScreeningPeriods
{
    /// <summary>The last day of the period that starts the day after <paramref name="since"/>.</summary>
    public static DateOnly LastDay(DateOnly since, Period period)
    {
        if (period.WorkingDays != 0)
        {
            throw new NotSupportedException("A screening duration cannot be in working days: that needs a holiday calendar. Use years, months or days.");
        }

        if (period.Years < 0 || period.Months < 0 || period.Days < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "A period cannot be negative.");
        }

        // AddMonths lands on the corresponding day or clamps to the month's end, which is exactly art. 202.
        return since.AddMonths(checked((period.Years * 12) + period.Months)).AddDays(period.Days);
    }

    /// <summary>The period has fully run by <paramref name="surveyedOn"/>: its last day is over.</summary>
    public static bool HasElapsed(DateOnly since, Period period, DateOnly surveyedOn) => surveyedOn > LastDay(since, period);

    /// <summary>
    /// More than the period has run: the period and at least one whole day after it. Days are the
    /// finest unit a survey records, so "over one year" needs one day more than "one year or more".
    /// </summary>
    public static bool HasRunPast(DateOnly since, Period period, DateOnly surveyedOn) => surveyedOn > LastDay(since, period).AddDays(1);

    /// <summary>The period in words, e.g. "1 year 6 months".</summary>
    public static string Describe(Period period)
    {
        var parts = new List<string>(4);
        Add(period.Years, "year");
        Add(period.Months, "month");
        Add(period.Days, "day");
        Add(period.WorkingDays, "working day");
        return parts.Count == 0 ? "0 days" : string.Join(' ', parts);

        void Add(int count, string unit)
        {
            if (count != 0)
            {
                parts.Add(count == 1 ? $"1 {unit}" : $"{count} {unit}s");
            }
        }
    }
}
