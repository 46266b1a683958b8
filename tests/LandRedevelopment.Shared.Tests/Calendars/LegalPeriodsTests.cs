using LandRedevelopment.Calendars;
using static LandRedevelopment.Shared.Tests.Calendars.TestCalendars;

namespace LandRedevelopment.Shared.Tests.Calendars;

public class LegalPeriodsTests
{
    private static readonly HolidayCalendar Weekends = HolidayCalendar.WeekendsOnly;

    private static DateOnly LastDayUnextended(string start, Period period) =>
        LegalPeriods.LastDay(D(start), period, Weekends, extendOverRestDays: false);

    [Theory]
    [InlineData("2026-01-31", 1, "2026-02-28")]  // no Feb 31: the month's last day
    [InlineData("2028-01-31", 1, "2028-02-29")]  // leap year
    [InlineData("2026-08-31", 6, "2027-02-28")]
    [InlineData("2026-12-31", 2, "2027-02-28")]
    [InlineData("2026-04-30", 1, "2026-05-30")]  // the corresponding day, not the month end
    [InlineData("2026-03-15", 1, "2026-04-15")]
    [InlineData("2026-03-15", 0, "2026-03-15")]  // the zero period ends on the event day
    [InlineData("2026-11-30", 3, "2027-02-28")]
    public void A_months_period_ends_on_the_corresponding_day_or_the_month_end(string start, int months, string expected)
    {
        Assert.Equal(D(expected), LastDayUnextended(start, Period.OfMonths(months)));
    }

    [Theory]
    [InlineData("2028-02-29", 1, "2029-02-28")]
    [InlineData("2028-02-29", 4, "2032-02-29")]
    [InlineData("2025-03-10", 1, "2026-03-10")]
    [InlineData("2026-05-20", 5, "2031-05-20")]
    public void A_years_period_ends_on_the_corresponding_day_or_the_month_end(string start, int years, string expected)
    {
        Assert.Equal(D(expected), LastDayUnextended(start, Period.OfYears(years)));
    }

    [Fact]
    public void Years_and_months_are_one_step_so_the_corresponding_day_is_kept()
    {
        // Feb 29 + 1 year 1 month is Mar 29, not Feb 28 + 1 month = Mar 28.
        Assert.Equal(D("2029-03-29"), LastDayUnextended("2028-02-29", Period.Create(years: 1, months: 1)));
        Assert.Equal(D("2027-03-10"), LastDayUnextended("2026-01-31", Period.Create(years: 1, months: 1, days: 10)));
    }

    [Theory]
    [InlineData("2026-03-04", 10, "2026-03-14")]
    [InlineData("2026-12-25", 10, "2027-01-04")]
    [InlineData("2028-02-20", 10, "2028-03-01")]
    [InlineData("2026-03-04", 1, "2026-03-05")]
    public void A_days_period_counts_from_the_day_after_the_event(string start, int days, string expected)
    {
        Assert.Equal(D(expected), LastDayUnextended(start, Period.OfDays(days)));
    }

    [Fact]
    public void A_last_day_on_a_Saturday_moves_to_the_Monday()
    {
        // Wed 2026-03-04 + 10 days = Sat 2026-03-14.
        Assert.Equal(D("2026-03-16"), LegalPeriods.LastDay(D("2026-03-04"), Period.OfDays(10), Weekends));
        Assert.Equal(D("2026-03-14"), LegalPeriods.LastDay(D("2026-03-04"), Period.OfDays(10), Weekends, extendOverRestDays: false));
    }

    [Fact]
    public void A_last_day_in_a_holiday_week_moves_past_the_week_and_its_weekend()
    {
        // Tue 2026-09-22 + 10 days = Fri 2026-10-02, a (test) holiday; Sat 3 and Sun 4 rest, 5–7 holidays.
        Assert.Equal(D("2026-10-08"), LegalPeriods.LastDay(D("2026-09-22"), Period.OfDays(10), MadeUpNationalDay2026));
    }

    [Fact]
    public void A_last_day_on_a_weekday_holiday_moves_even_though_it_is_a_weekday()
    {
        // 2026-07-07 + 3 months = Wed 2026-10-07, the last (test) holiday.
        Assert.Equal(D("2026-10-08"), LegalPeriods.LastDay(D("2026-07-07"), Period.OfMonths(3), MadeUpNationalDay2026));
    }

    [Fact]
    public void A_last_day_on_a_make_up_Saturday_does_not_move()
    {
        // Wed 2026-09-30 + 10 days = Sat 2026-10-10, a (test) make-up working day.
        Assert.Equal(D("2026-10-10"), LegalPeriods.LastDay(D("2026-09-30"), Period.OfDays(10), MadeUpNationalDay2026));
        // Without the make-up day it is an ordinary Saturday.
        Assert.Equal(D("2026-10-12"), LegalPeriods.LastDay(D("2026-09-30"), Period.OfDays(10), Weekends));
    }

    [Fact]
    public void A_working_days_period_skips_the_holiday_week_and_counts_the_make_up_Saturday()
    {
        // From Tue 2026-09-29: Wed 30 Sep (1), holidays and weekend to 7 Oct, Thu 8 (2), Fri 9 (3),
        // Sat 10 make-up (4), Sun 11 rest, Mon 12 (5).
        var calendar = MadeUpNationalDay2026;

        Assert.Equal(D("2026-09-30"), LegalPeriods.LastDay(D("2026-09-29"), Period.OfWorkingDays(1), calendar));
        Assert.Equal(D("2026-10-08"), LegalPeriods.LastDay(D("2026-09-29"), Period.OfWorkingDays(2), calendar));
        Assert.Equal(D("2026-10-10"), LegalPeriods.LastDay(D("2026-09-29"), Period.OfWorkingDays(4), calendar));
        Assert.Equal(D("2026-10-12"), LegalPeriods.LastDay(D("2026-09-29"), Period.OfWorkingDays(5), calendar));
        // Fri 2026-09-25 + 1 working day is the make-up Sunday.
        Assert.Equal(D("2026-09-27"), LegalPeriods.LastDay(D("2026-09-25"), Period.OfWorkingDays(1), calendar));
    }

    [Fact]
    public void A_working_days_period_counts_from_a_rest_day_event_too()
    {
        // An event on Saturday 2026-03-14: Monday is the first working day after it.
        Assert.Equal(D("2026-03-16"), LegalPeriods.LastDay(D("2026-03-14"), Period.OfWorkingDays(1), Weekends));
        Assert.Equal(D("2026-03-27"), LegalPeriods.LastDay(D("2026-03-14"), Period.OfWorkingDays(10), Weekends));
    }

    [Fact]
    public void An_invalid_period_is_refused()
    {
        var mixed = new Period { Months = 1, WorkingDays = 5 };

        Assert.Throws<ArgumentException>(() => LegalPeriods.LastDay(D("2026-03-04"), mixed, Weekends));
        Assert.Throws<ArgumentException>(() => LegalPeriods.HasElapsed(D("2026-03-04"), new Period { Days = -1 }, D("2026-04-04")));
    }

    [Fact]
    public void The_period_ends_at_24_00_China_Standard_Time_which_is_16_00_UTC()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        var end = LegalPeriods.EndInstant(D("2026-03-10"), shanghai);

        Assert.Equal(new DateTimeOffset(2026, 3, 10, 16, 0, 0, TimeSpan.Zero), end);
        Assert.Equal(TimeSpan.FromHours(8), end.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.FromHours(8)), end);
    }

    [Fact]
    public void Where_the_clocks_skip_midnight_the_period_ends_when_the_next_day_begins()
    {
        // São Paulo went from 2018-11-04 00:00 straight to 01:00 (−03:00 to −02:00).
        var saoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

        var end = LegalPeriods.EndInstant(D("2018-11-03"), saoPaulo);

        Assert.Equal(new DateTimeOffset(2018, 11, 4, 3, 0, 0, TimeSpan.Zero), end);
        Assert.Equal(TimeSpan.FromHours(-2), end.Offset);
    }

    [Fact]
    public void LocalDate_is_the_date_in_the_zone_not_in_UTC()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        Assert.Equal(D("2026-03-11"), LegalPeriods.LocalDate(new DateTimeOffset(2026, 3, 10, 16, 0, 0, TimeSpan.Zero), shanghai));
        Assert.Equal(D("2026-03-10"), LegalPeriods.LocalDate(new DateTimeOffset(2026, 3, 10, 15, 59, 59, TimeSpan.Zero), shanghai));
        Assert.Equal(D("2026-03-10"), LegalPeriods.LocalDate(new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.FromHours(8)), shanghai));
    }

    [Fact]
    public void HasElapsed_is_true_only_once_the_whole_last_day_has_passed()
    {
        var since = D("2025-03-10");

        Assert.False(LegalPeriods.HasElapsed(since, Period.OfYears(1), D("2026-03-09")));
        Assert.False(LegalPeriods.HasElapsed(since, Period.OfYears(1), D("2026-03-10")));
        Assert.True(LegalPeriods.HasElapsed(since, Period.OfYears(1), D("2026-03-11")));
    }

    [Fact]
    public void HasElapsed_does_not_move_over_rest_days()
    {
        // Since Wed 2026-03-04, 10 days run to Sat 2026-03-14; the state has lasted them on Sunday.
        Assert.True(LegalPeriods.HasElapsed(D("2026-03-04"), Period.OfDays(10), D("2026-03-15")));
    }

    [Fact]
    public void HasElapsed_uses_the_month_end_rule()
    {
        // Since 2028-02-29, two years run to 2030-02-28.
        Assert.False(LegalPeriods.HasElapsed(D("2028-02-29"), Period.OfYears(2), D("2030-02-28")));
        Assert.True(LegalPeriods.HasElapsed(D("2028-02-29"), Period.OfYears(2), D("2030-03-01")));
    }

    [Fact]
    public void HasElapsed_refuses_working_days()
    {
        Assert.Throws<ArgumentException>(() => LegalPeriods.HasElapsed(D("2026-03-04"), Period.OfWorkingDays(5), D("2026-04-04")));
    }
}
