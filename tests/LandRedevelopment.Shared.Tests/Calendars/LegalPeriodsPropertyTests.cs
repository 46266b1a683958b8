using FsCheck;
using FsCheck.Fluent;
using LandRedevelopment.Calendars;

namespace LandRedevelopment.Shared.Tests.Calendars;

public class LegalPeriodsPropertyTests
{
    // After 1991, the last year China kept summer time, so that Shanghai is UTC+8 all year.
    private static readonly DateOnly Epoch = new(1992, 1, 1);

    private static readonly Gen<DateOnly> AnyDay = Gen.Choose(0, 365 * 60).Select(Epoch.AddDays);

    // Month ends and leap days are where the rules bite, so they come up often.
    private static readonly Gen<DateOnly> StartDay = Gen.OneOf(
        AnyDay,
        AnyDay.Select(d => new DateOnly(d.Year, d.Month, DateTime.DaysInMonth(d.Year, d.Month))),
        Gen.Choose(0, 14).Select(i => new DateOnly(1992 + 4 * i, 2, 29)));

    private static readonly Gen<Period> CalendarPeriod =
        (from years in Gen.Choose(0, 10)
         from months in Gen.Choose(0, 30)
         from days in Gen.Choose(0, 400)
         from shape in Gen.Choose(0, 3)
         select shape switch
         {
             0 => Period.OfYears(years),
             1 => Period.OfMonths(months),
             2 => Period.OfDays(days),
             _ => Period.Create(years, months, days),
         })
        .Where(p => p.Years + p.Months + p.Days > 0);

    // TEST DATA: random made-up calendars, not any published arrangement. Holidays come in runs of a
    // few days (as real ones do) around the start day; make-up days are some of the weekend days nearby
    // that are not holidays.
    private static Gen<HolidayCalendar> CalendarAround(DateOnly start) =>
        from runCount in Gen.Choose(0, 20)
        from runs in Gen.ListOf(Gen.Zip(Gen.Choose(-30, 900), Gen.Choose(1, 9)), runCount)
        from makeUpCount in Gen.Choose(0, 40)
        from makeUpOffsets in Gen.ListOf(Gen.Choose(-30, 900), makeUpCount)
        select BuildCalendar(start, runs, makeUpOffsets);

    private static HolidayCalendar BuildCalendar(DateOnly start, IEnumerable<(int Offset, int Length)> runs, IEnumerable<int> makeUpOffsets)
    {
        var holidays = runs.SelectMany(r => Enumerable.Range(r.Offset, r.Length)).Select(start.AddDays).ToHashSet();
        var makeUps = makeUpOffsets.Select(start.AddDays)
            .Where(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && !holidays.Contains(d));
        return new HolidayCalendar(holidays, makeUps);
    }

    private static readonly Gen<(DateOnly Start, Period Period, HolidayCalendar Calendar)> Case =
        from start in StartDay
        from period in CalendarPeriod
        from calendar in Gen.OneOf(Gen.Constant(HolidayCalendar.WeekendsOnly), CalendarAround(start))
        select (start, period, calendar);

    [Fact]
    public void The_last_day_is_after_the_event_day() =>
        PropertyCheck.ForAll(Case, c =>
        {
            Assert.True(LegalPeriods.LastDay(c.Start, c.Period, c.Calendar, extendOverRestDays: false) > c.Start);
            Assert.True(LegalPeriods.LastDay(c.Start, c.Period, c.Calendar) > c.Start);
        }, maxTest: 1000);

    [Fact]
    public void A_months_period_ends_on_the_same_day_of_the_month_or_the_month_end() =>
        PropertyCheck.ForAll(Gen.Zip(StartDay, Gen.Choose(1, 120)), t =>
        {
            var (start, months) = t;
            var last = LegalPeriods.LastDay(start, Period.OfMonths(months), HolidayCalendar.WeekendsOnly, extendOverRestDays: false);
            var daysInLastMonth = DateTime.DaysInMonth(last.Year, last.Month);

            Assert.Equal(start.Year * 12 + start.Month - 1 + months, last.Year * 12 + last.Month - 1);
            Assert.Equal(Math.Min(start.Day, daysInLastMonth), last.Day);
        }, maxTest: 2000);

    [Fact]
    public void A_years_period_is_the_same_as_twelve_times_as_many_months() =>
        PropertyCheck.ForAll(Gen.Zip(StartDay, Gen.Choose(1, 20)), t =>
        {
            var (start, years) = t;

            Assert.Equal(
                LegalPeriods.LastDay(start, Period.OfMonths(12 * years), HolidayCalendar.WeekendsOnly, false),
                LegalPeriods.LastDay(start, Period.OfYears(years), HolidayCalendar.WeekendsOnly, false));
        });

    [Fact]
    public void A_days_period_ends_that_many_days_after_the_event_day() =>
        PropertyCheck.ForAll(Gen.Zip(StartDay, Gen.Choose(0, 2000)), t =>
        {
            var (start, days) = t;
            var last = LegalPeriods.LastDay(start, Period.OfDays(days), HolidayCalendar.WeekendsOnly, extendOverRestDays: false);

            Assert.Equal(days, last.DayNumber - start.DayNumber);
        });

    [Fact]
    public void With_extension_the_last_day_is_the_first_working_day_on_or_after_the_unextended_one() =>
        PropertyCheck.ForAll(Case, c =>
        {
            var plain = LegalPeriods.LastDay(c.Start, c.Period, c.Calendar, extendOverRestDays: false);
            var extended = LegalPeriods.LastDay(c.Start, c.Period, c.Calendar);

            Assert.True(c.Calendar.IsWorkingDay(extended));
            Assert.True(extended >= plain);
            for (var day = plain; day < extended; day = day.AddDays(1))
            {
                Assert.True(c.Calendar.IsRestDay(day), $"{day} is a working day before the extended last day {extended}");
            }
        }, maxTest: 1000);

    private static readonly Gen<(DateOnly Start, int N, HolidayCalendar Calendar)> WorkingDaysCase =
        from start in AnyDay
        from n in Gen.Choose(1, 120)
        from calendar in Gen.OneOf(Gen.Constant(HolidayCalendar.WeekendsOnly), CalendarAround(start))
        select (start, n, calendar);

    [Fact]
    public void A_working_days_period_lands_on_a_working_day_after_exactly_N_working_days() =>
        PropertyCheck.ForAll(WorkingDaysCase, c =>
        {
            var last = LegalPeriods.LastDay(c.Start, Period.OfWorkingDays(c.N), c.Calendar);

            Assert.True(c.Calendar.IsWorkingDay(last));
            var counted = 0;
            for (var day = c.Start.AddDays(1); day <= last; day = day.AddDays(1))
            {
                counted += c.Calendar.IsWorkingDay(day) ? 1 : 0;
            }

            Assert.Equal(c.N, counted);
            // Extension never applies: the result is the same either way.
            Assert.Equal(last, LegalPeriods.LastDay(c.Start, Period.OfWorkingDays(c.N), c.Calendar, extendOverRestDays: false));
        }, maxTest: 1000);

    [Fact]
    public void HasElapsed_turns_true_the_day_after_the_unextended_last_day_and_stays_true() =>
        PropertyCheck.ForAll(Gen.Zip(StartDay, CalendarPeriod), t =>
        {
            var (since, period) = t;
            var last = LegalPeriods.LastDay(since, period, HolidayCalendar.WeekendsOnly, extendOverRestDays: false);

            Assert.False(LegalPeriods.HasElapsed(since, period, since));
            Assert.False(LegalPeriods.HasElapsed(since, period, last));
            Assert.True(LegalPeriods.HasElapsed(since, period, last.AddDays(1)));
            Assert.True(LegalPeriods.HasElapsed(since, period, last.AddDays(400)));
        });

    [Fact]
    public void EndInstant_in_Shanghai_is_16_00_UTC_on_the_last_day_and_LocalDate_of_it_is_the_next_day() =>
        PropertyCheck.ForAll(AnyDay, day =>
        {
            var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
            var end = LegalPeriods.EndInstant(day, shanghai);

            Assert.Equal(day.ToDateTime(new TimeOnly(16, 0), DateTimeKind.Utc), end.UtcDateTime);
            Assert.Equal(day.AddDays(1), LegalPeriods.LocalDate(end, shanghai));
            Assert.Equal(day, LegalPeriods.LocalDate(end.AddTicks(-1), shanghai));
        });

    [Fact]
    public void Iso8601_round_trips() =>
        PropertyCheck.ForAll(CalendarPeriod, period =>
        {
            Assert.Equal(period, Period.ParseIso8601(period.ToIso8601()));
        });
}
