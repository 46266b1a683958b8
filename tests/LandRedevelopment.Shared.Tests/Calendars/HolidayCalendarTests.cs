using LandRedevelopment.Calendars;
using static LandRedevelopment.Shared.Tests.Calendars.TestCalendars;

namespace LandRedevelopment.Shared.Tests.Calendars;

public class HolidayCalendarTests
{
    [Fact]
    public void Weekends_are_rest_days_and_weekdays_working_days_without_data()
    {
        var calendar = HolidayCalendar.WeekendsOnly;

        Assert.True(calendar.IsWorkingDay(D("2026-03-13")));  // Friday
        Assert.True(calendar.IsRestDay(D("2026-03-14")));     // Saturday
        Assert.True(calendar.IsRestDay(D("2026-03-15")));     // Sunday
        Assert.True(calendar.IsWorkingDay(D("2026-03-16")));  // Monday
    }

    [Fact]
    public void A_holiday_is_a_rest_day_on_a_weekday_and_a_make_up_day_a_working_day_on_a_weekend()
    {
        var calendar = MadeUpNationalDay2026;

        Assert.True(calendar.IsRestDay(D("2026-10-01")));     // Thursday, (test) holiday
        Assert.True(calendar.IsWorkingDay(D("2026-10-10")));  // Saturday, (test) make-up day
        Assert.True(calendar.IsWorkingDay(D("2026-09-27")));  // Sunday, (test) make-up day
        Assert.True(calendar.IsRestDay(D("2026-10-11")));     // an ordinary Sunday
        Assert.True(calendar.IsWorkingDay(D("2026-10-08")));
    }

    [Fact]
    public void NextWorkingDayOnOrAfter_keeps_a_working_day_and_skips_rest_days()
    {
        var calendar = MadeUpNationalDay2026;

        Assert.Equal(D("2026-09-30"), calendar.NextWorkingDayOnOrAfter(D("2026-09-30")));
        Assert.Equal(D("2026-10-08"), calendar.NextWorkingDayOnOrAfter(D("2026-10-01")));
        Assert.Equal(D("2026-10-12"), calendar.NextWorkingDayOnOrAfter(D("2026-10-11")));
    }

    [Fact]
    public void Calendars_of_several_years_merge()
    {
        // TEST DATA: a made-up 2027 New Year's Day on Friday 2027-01-01.
        var newYear2027 = new HolidayCalendar([D("2027-01-01")], []);

        var merged = MadeUpNationalDay2026.Merge(newYear2027);

        Assert.True(merged.IsRestDay(D("2026-10-05")));
        Assert.True(merged.IsWorkingDay(D("2026-10-10")));
        Assert.True(merged.IsRestDay(D("2027-01-01")));
        Assert.Equal(8, merged.Holidays.Count);
        Assert.Equal(2, merged.MakeUpWorkingDays.Count);
        Assert.Equal(merged.Holidays, HolidayCalendar.Combine(MadeUpNationalDay2026, newYear2027, HolidayCalendar.WeekendsOnly).Holidays);
        Assert.Empty(HolidayCalendar.Combine().Holidays);
    }

    [Fact]
    public void Contradictory_data_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new HolidayCalendar([D("2026-10-10")], [D("2026-10-10")]));
        Assert.Throws<ArgumentException>(() => new HolidayCalendar([], [D("2026-10-09")])); // a Friday
        Assert.Throws<ArgumentException>(() =>
            MadeUpNationalDay2026.Merge(new HolidayCalendar([D("2026-10-10")], [])));
    }

    [Fact]
    public void A_calendar_with_no_working_day_for_a_year_is_reported_not_looped_over()
    {
        var broken = new HolidayCalendar(Enumerable.Range(0, 400).Select(i => D("2026-01-01").AddDays(i)), []);

        Assert.Throws<InvalidOperationException>(() => broken.NextWorkingDayOnOrAfter(D("2026-01-01")));
    }
}
