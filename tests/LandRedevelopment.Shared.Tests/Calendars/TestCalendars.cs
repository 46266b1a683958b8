using LandRedevelopment.Calendars;

namespace LandRedevelopment.Shared.Tests.Calendars;

internal static class TestCalendars
{
    // TEST DATA, made up for these tests: a National Day week in 2026 (Thu 1 – Wed 7 October) with
    // make-up working days on Sunday 27 September and Saturday 10 October. It is shaped like a State
    // Council arrangement but is not the published one; the service ships no holiday data.
    public static readonly HolidayCalendar MadeUpNationalDay2026 = new(
        holidays: Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d)),
        makeUpWorkingDays: [new DateOnly(2026, 9, 27), new DateOnly(2026, 10, 10)]);

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
