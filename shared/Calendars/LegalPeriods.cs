namespace LandRedevelopment.Calendars;

/// <summary>
/// Where legal periods end, under the Civil Code (民法典) arts. 200–204.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Art. 201: the day of the event is not counted; the period runs from the next day.</item>
/// <item>Art. 202: a period in years or months ends on the corresponding day of its last month — the day
/// with the event day's number — or that month's last day where it has no such day.</item>
/// <item>Art. 203: a last day that is a statutory holiday (or, as practice reads 法定休假日, a weekend
/// day that is not a make-up working day) moves to the first working day after it; the last day ends
/// at 24:00.</item>
/// </list>
/// Dates here are legal dates, in the tenant's time zone (China Standard Time): convert an instant with
/// <see cref="LocalDate"/> before counting, never use its UTC date.
/// </remarks>
public static class LegalPeriods
{
    /// <summary>The last day of <paramref name="period"/> counted from the event on <paramref name="startEvent"/>.</summary>
    /// <remarks>
    /// <para>
    /// Calendar periods: years and months first, as a number of months on the corresponding-day rule
    /// (2026-08-31 + 6 months → 2027-02-28; 2028-02-29 + 1 year → 2029-02-28), then days
    /// (event day D + 10 days → D + 10, the start day not counted). If the last day is a rest day under
    /// <paramref name="calendar"/> and <paramref name="extendOverRestDays"/>, it moves to the first
    /// working day after it. The zero period ends on the event day (moved likewise if a rest day).
    /// </para>
    /// <para>
    /// Working-day periods: the Nth working day after the event day; it is a working day by
    /// construction, so it never needs moving.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">The period is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The period runs past the end of the calendar.</exception>
    public static DateOnly LastDay(DateOnly startEvent, Period period, HolidayCalendar calendar, bool extendOverRestDays = true)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(calendar);
        period.Validate();

        if (period.IsWorkingDays)
        {
            var day = startEvent;
            for (var counted = 0; counted < period.WorkingDays;)
            {
                day = calendar.NextWorkingDayOnOrAfter(day.AddDays(1));
                counted++;
            }

            return day;
        }

        var last = CalendarLastDay(startEvent, period);
        return extendOverRestDays ? calendar.NextWorkingDayOnOrAfter(last) : last;
    }

    /// <summary>
    /// The day <paramref name="before"/> ahead of <paramref name="lastDay"/>, for reminders: "N working days before" is the
    /// Nth working day counted back from the last day (the moment N working days remain at its end); a calendar period
    /// is taken back by corresponding day (months, then days), without moving off rest days.
    /// </summary>
    /// <exception cref="ArgumentException">The period is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The count runs past the start of the calendar.</exception>
    public static DateOnly DayBefore(DateOnly lastDay, Period before, HolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(calendar);
        if (!before.Validate().IsWorkingDays)
        {
            return lastDay.AddMonths(-checked(before.Years * 12 + before.Months)).AddDays(-before.Days);
        }

        var day = lastDay;
        for (var counted = 0; counted < before.WorkingDays;)
        {
            day = day.AddDays(-1);
            if (calendar.IsWorkingDay(day))
            {
                counted++;
            }
        }

        return day;
    }

    // Years are counted as twelve months so that a period of years and months lands by one
    // corresponding-day step: DateOnly.AddMonths keeps the day number and falls back to the month's last
    // day, which is art. 202. Taking years and months in separate steps could differ (Feb 29 + 1 year
    // + 1 month would go through Feb 28 and end on Mar 28 instead of Mar 29).
    private static DateOnly CalendarLastDay(DateOnly startEvent, Period period) =>
        startEvent.AddMonths(checked(period.Years * 12 + period.Months)).AddDays(period.Days);

    /// <summary>
    /// The instant a period whose last day is <paramref name="lastDay"/> ends: 24:00 of that day in
    /// <paramref name="zone"/>, which is the start of the next day there.
    /// </summary>
    /// <remarks>
    /// Returned with the zone's offset (e.g. 2026-03-11T00:00+08:00, which is 2026-03-10T16:00Z). In a zone
    /// whose clocks skip midnight the day starts when the skipped hour ends; where midnight happens twice,
    /// at the first of them.
    /// </remarks>
    public static DateTimeOffset EndInstant(DateOnly lastDay, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var midnight = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        TimeSpan offset;
        if (zone.IsInvalidTime(midnight))
        {
            // Midnight falls in a spring-forward gap: the instant "midnight on the old offset" is the
            // moment the clocks jump, which is when the next day begins.
            offset = zone.GetUtcOffset(midnight.AddHours(-12));
        }
        else if (zone.IsAmbiguousTime(midnight))
        {
            // The earlier of the two midnights is the one with the larger offset.
            offset = zone.GetAmbiguousTimeOffsets(midnight).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(midnight);
        }

        return TimeZoneInfo.ConvertTime(new DateTimeOffset(midnight, offset), zone);
    }

    /// <summary>
    /// Whether <paramref name="period"/>, counted from <paramref name="since"/>, has fully run by the start of
    /// <paramref name="asOf"/>: for criteria such as "idle one year or more" (闲置一年以上) at a survey date.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The period is counted as in <see cref="LastDay"/> — the day <paramref name="since"/> not counted,
    /// the corresponding-day rule for months and years — but with no moving over rest days: art. 203 gives
    /// a party until the next working day to act within a deadline, and says nothing about how long a
    /// state of affairs has lasted. A state that began on <paramref name="since"/> has lasted the period at
    /// 24:00 of the last day, so it has lasted it on any later date:
    /// <c>asOf &gt; LastDay(since, period, WeekendsOnly, extendOverRestDays: false)</c>.
    /// Since 2025-03-10, one year: not on 2026-03-10 (the year ends that night), but on 2026-03-11.
    /// This is the "or more" (以上) reading of art. 10 of the Karamay measures: exactly one year counts.
    /// </para>
    /// <para>Only calendar periods: how long a state lasted is not counted in working days.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The period is not valid, or is in working days.</exception>
    public static bool HasElapsed(DateOnly since, Period period, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(period);
        period.Validate();
        if (period.IsWorkingDays)
        {
            throw new ArgumentException($"How long a state has lasted is measured in calendar time, not in {period}.", nameof(period));
        }

        return asOf > CalendarLastDay(since, period);
    }

    /// <summary>The date in <paramref name="zone"/> at <paramref name="instant"/>: the legal date of an event.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }
}
