using LandRedevelopment.Calendars;

namespace LandRedevelopment.Screening;

/// <summary>
/// Durations of survey facts ("idle one year or more") on the Civil Code periods of <see cref="LegalPeriods"/>:
/// counted from the day after <c>since</c>, month ends per art. 202, and no rest-day extension — art. 203
/// protects someone who must act by a deadline, not a state that merely lasts.
/// </summary>
internal static class ScreeningPeriods
{
    /// <summary>The last day of the period that starts the day after <paramref name="since"/>.</summary>
    public static DateOnly LastDay(DateOnly since, Period period)
    {
        if (period.WorkingDays != 0)
        {
            throw new NotSupportedException("A screening duration cannot be in working days: use years, months or days.");
        }

        return LegalPeriods.LastDay(since, period, HolidayCalendar.WeekendsOnly, extendOverRestDays: false);
    }

    /// <summary>The period has fully run by <paramref name="surveyedOn"/>: its last day is over.</summary>
    public static bool HasElapsed(DateOnly since, Period period, DateOnly surveyedOn) => LegalPeriods.HasElapsed(since, period, surveyedOn);

    /// <summary>
    /// More than the period has run: the period and at least one whole day after it. Days are the
    /// finest unit a survey records, so "over one year" needs one day more than "one year or more".
    /// </summary>
    public static bool HasRunPast(DateOnly since, Period period, DateOnly surveyedOn) => surveyedOn > LastDay(since, period).AddDays(1);

    /// <summary>The period in words, e.g. "1 year 6 months".</summary>
    public static string Describe(Period period) => period.ToString();
}
