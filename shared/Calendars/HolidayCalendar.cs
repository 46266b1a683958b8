using System.Collections.Frozen;

namespace LandRedevelopment.Calendars;

/// <summary>
/// Which days are working days: Monday to Friday, less statutory holidays (法定节假日), plus the
/// weekend days the State Council makes working days to bridge a holiday (调休, make-up working days).
/// </summary>
/// <remarks>
/// <para>
/// The service ships no holiday data: the State Council publishes each year's arrangement and a
/// tenant loads it, so a calendar is built from those two sets of dates. A calendar knows nothing
/// beyond the dates it was given: for a year nobody has loaded it treats every weekday as a working
/// day, which is the <see cref="WeekendsOnly"/> answer.
/// </para>
/// <para>
/// Contradictory data is refused rather than resolved: a date both a holiday and a make-up working
/// day, or a "make-up working day" that is not a Saturday or Sunday (a weekday is a working day
/// already, so such a date is a mistake in the loaded data).
/// </para>
/// </remarks>
public sealed class HolidayCalendar
{
    // A run of rest days longer than this means the calendar is wrong (no holiday lasts a year), so
    // searching for a working day stops instead of running to the end of time.
    private const int LongestRestRun = 366;

    private readonly FrozenSet<DateOnly> _holidays;
    private readonly FrozenSet<DateOnly> _makeUpWorkingDays;

    /// <summary>A calendar from statutory holidays and make-up working days.</summary>
    /// <param name="holidays">Statutory holidays: rest days even on a weekday. A holiday on a weekend is allowed (it is a rest day anyway).</param>
    /// <param name="makeUpWorkingDays">Saturdays and Sundays that are working days (调休).</param>
    /// <exception cref="ArgumentException">A date in both sets, or a make-up working day that is not a weekend day.</exception>
    public HolidayCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeUpWorkingDays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        ArgumentNullException.ThrowIfNull(makeUpWorkingDays);
        _holidays = holidays.ToFrozenSet();
        _makeUpWorkingDays = makeUpWorkingDays.ToFrozenSet();

        foreach (var day in _makeUpWorkingDays)
        {
            if (!IsWeekend(day))
            {
                throw new ArgumentException($"{day:yyyy-MM-dd} ({day.DayOfWeek}) is given as a make-up working day but is not a Saturday or Sunday.", nameof(makeUpWorkingDays));
            }

            if (_holidays.Contains(day))
            {
                throw new ArgumentException($"{day:yyyy-MM-dd} is given both as a holiday and as a make-up working day.", nameof(makeUpWorkingDays));
            }
        }
    }

    /// <summary>A calendar with no holidays and no make-up working days: Saturday and Sunday are the rest days.</summary>
    public static HolidayCalendar WeekendsOnly { get; } = new([], []);

    /// <summary>The statutory holidays this calendar knows.</summary>
    public IReadOnlySet<DateOnly> Holidays => _holidays;

    /// <summary>The make-up working days (调休) this calendar knows.</summary>
    public IReadOnlySet<DateOnly> MakeUpWorkingDays => _makeUpWorkingDays;

    /// <summary>
    /// Whether <paramref name="day"/> is a working day: a holiday is not, even on a weekday; a Saturday or
    /// Sunday is not unless it is a make-up working day; any other day is.
    /// </summary>
    public bool IsWorkingDay(DateOnly day) =>
        !_holidays.Contains(day) && (!IsWeekend(day) || _makeUpWorkingDays.Contains(day));

    /// <summary>Whether <paramref name="day"/> is a rest day (not a working day).</summary>
    public bool IsRestDay(DateOnly day) => !IsWorkingDay(day);

    /// <summary><paramref name="day"/> if it is a working day, else the first working day after it.</summary>
    /// <exception cref="InvalidOperationException">No working day within a year after <paramref name="day"/>: the calendar data is wrong.</exception>
    public DateOnly NextWorkingDayOnOrAfter(DateOnly day)
    {
        for (var i = 0; i <= LongestRestRun; i++)
        {
            var candidate = day.AddDays(i);
            if (IsWorkingDay(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"The calendar has no working day from {day:yyyy-MM-dd} for more than {LongestRestRun} days; its holiday data must be wrong.");
    }

    /// <summary>This calendar together with <paramref name="other"/>, e.g. the 2026 arrangement with the 2027 one.</summary>
    /// <exception cref="ArgumentException">The calendars contradict each other on some date.</exception>
    public HolidayCalendar Merge(HolidayCalendar other) => Combine(this, other);

    /// <summary>One calendar with the holidays and make-up working days of all of <paramref name="calendars"/>.</summary>
    /// <exception cref="ArgumentException">Two calendars contradict each other on some date.</exception>
    public static HolidayCalendar Combine(params IEnumerable<HolidayCalendar> calendars)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        var list = calendars.ToList();
        return new HolidayCalendar(list.SelectMany(c => c._holidays), list.SelectMany(c => c._makeUpWorkingDays));
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
