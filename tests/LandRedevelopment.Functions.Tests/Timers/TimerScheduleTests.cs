using System.Diagnostics;
using System.Globalization;
using LandRedevelopment.Functions.Hosting.Timers;

namespace LandRedevelopment.Functions.Tests.Timers;

public class TimerScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The first <paramref name="count"/> occurrences after <paramref name="after"/>, as UTC ISO strings.</summary>
    private static string[] Occurrences(TimerSchedule schedule, string after, int count)
    {
        var result = new string[count];
        var at = Utc(after);
        for (var i = 0; i < count; i++)
        {
            at = schedule.GetNextOccurrence(at);
            result[i] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        }
        return result;
    }

    // ---- NCRONTAB in UTC --------------------------------------------------------------------

    [Theory]
    // Every 5 minutes: strictly after, across an hour and a year.
    [InlineData("0 */5 * * * *", "2024-01-01T10:02:30", "2024-01-01T10:05:00")]
    [InlineData("0 */5 * * * *", "2024-01-01T10:05:00", "2024-01-01T10:10:00")]
    [InlineData("0 */5 * * * *", "2024-12-31T23:58:00", "2025-01-01T00:00:00")]
    // Every second; a fractional start rounds up to the next whole second.
    [InlineData("* * * * * *", "2024-01-01T10:00:00", "2024-01-01T10:00:01")]
    [InlineData("* * * * * *", "2024-01-01T10:00:00.5", "2024-01-01T10:00:01")]
    [InlineData("* * * * * *", "2024-12-31T23:59:59", "2025-01-01T00:00:00")]
    // Weekdays at 09:30 (2024-03-08 is a Friday): the weekend is skipped.
    [InlineData("0 30 9 * * 1-5", "2024-03-08T09:30:00", "2024-03-11T09:30:00")]
    [InlineData("0 30 9 * * 1-5", "2024-03-09T12:00:00", "2024-03-11T09:30:00")]
    [InlineData("0 30 9 * * 1-5", "2024-03-11T09:29:59", "2024-03-11T09:30:00")]
    // First of the month, across month ends, February of a leap year and the year end.
    [InlineData("0 0 0 1 * *", "2024-01-31T12:00:00", "2024-02-01T00:00:00")]
    [InlineData("0 0 0 1 * *", "2024-02-29T23:59:59", "2024-03-01T00:00:00")]
    [InlineData("0 0 0 1 * *", "2024-12-01T00:00:00", "2025-01-01T00:00:00")]
    // The 31st skips the months that do not have one.
    [InlineData("0 0 0 31 * *", "2024-03-31T00:00:00", "2024-05-31T00:00:00")]
    // Names, in any case, abbreviated or in full (2024-03-11 is a Monday).
    [InlineData("0 0 12 * * Mon,Wed", "2024-03-11T12:00:00", "2024-03-13T12:00:00")]
    [InlineData("0 0 12 * * Mon,Wed", "2024-03-13T12:00:00", "2024-03-18T12:00:00")]
    [InlineData("0 0 12 * * mon,WED", "2024-03-11T11:00:00", "2024-03-11T12:00:00")]
    [InlineData("0 0 12 * * Monday-Wednesday", "2024-03-13T12:00:00", "2024-03-18T12:00:00")]
    [InlineData("0 0 0 1 Jan,Jul *", "2024-02-01T00:00:00", "2024-07-01T00:00:00")]
    [InlineData("0 0 0 1 Jan,Jul *", "2024-07-01T00:00:00", "2025-01-01T00:00:00")]
    [InlineData("0 0 0 1 january,JULY *", "2024-02-01T00:00:00", "2024-07-01T00:00:00")]
    [InlineData("0 0 0 * * Sun", "2024-03-11T00:00:00", "2024-03-17T00:00:00")]
    [InlineData("0 0 0 * * 0", "2024-03-11T00:00:00", "2024-03-17T00:00:00")]
    // Steps on ranges, on a start value, lists mixing forms.
    [InlineData("0 10-40/15 * * * *", "2024-01-01T10:10:00", "2024-01-01T10:25:00")]
    [InlineData("0 10-40/15 * * * *", "2024-01-01T10:40:00", "2024-01-01T11:10:00")]
    [InlineData("0 0 8-18/4 * * *", "2024-01-01T12:00:00", "2024-01-01T16:00:00")]
    [InlineData("0 0 8-18/4 * * *", "2024-01-01T16:00:00", "2024-01-02T08:00:00")]
    [InlineData("5/20 * * * * *", "2024-01-01T10:00:45", "2024-01-01T10:01:05")]
    [InlineData("0 0 1,5-7,22 * * *", "2024-01-01T07:00:00", "2024-01-01T22:00:00")]
    [InlineData("0 0 0 * */3 *", "2024-02-01T00:00:00", "2024-04-01T00:00:00")]
    [InlineData("0 0 0 1 Feb-Oct/4 *", "2024-02-01T00:00:00", "2024-06-01T00:00:00")]
    [InlineData("0 */90 * * * *", "2024-01-01T10:00:00", "2024-01-01T11:00:00")]
    // Feb 29 from a non-leap year, across a leap year, and across 2100 (not a leap year).
    [InlineData("0 0 0 29 2 *", "2023-03-01T00:00:00", "2024-02-29T00:00:00")]
    [InlineData("0 0 0 29 2 *", "2024-02-29T00:00:00", "2028-02-29T00:00:00")]
    [InlineData("0 0 0 29 Feb *", "2097-03-01T00:00:00", "2104-02-29T00:00:00")]
    // Five fields: NCrontab's classic format, second 0.
    [InlineData("*/15 * * * *", "2024-01-01T10:07:30", "2024-01-01T10:15:00")]
    [InlineData("30 9 * * 1-5", "2024-03-09T12:00:00", "2024-03-11T09:30:00")]
    // Extra whitespace between fields is fine.
    [InlineData("  0  */5 *\t* * *  ", "2024-01-01T10:02:30", "2024-01-01T10:05:00")]
    public void Next_occurrence_in_utc(string expression, string after, string expected)
    {
        var schedule = TimerSchedule.Parse(expression);
        var next = schedule.GetNextOccurrence(Utc(after));
        Assert.Equal(Utc(expected), next);
        Assert.Equal(TimeSpan.Zero, next.Offset);
    }

    [Fact]
    public void Day_and_day_of_week_both_restricted_must_both_match_as_in_NCrontab()
    {
        // NCrontab ANDs the two (Unix cron would OR them): "the 13th that is a Friday", not
        // "every Friday and every 13th". 2024-01-05 is a Friday and 2024-01-13 a 13th; neither fires.
        var schedule = TimerSchedule.Parse("0 0 0 13 * Fri");
        Assert.Equal(["2024-09-13T00:00:00", "2024-12-13T00:00:00", "2025-06-13T00:00:00"],
            Occurrences(schedule, "2024-01-01T00:00:00", 3));
    }

    [Fact]
    public void A_star_day_of_week_does_not_restrict_the_day_of_month()
    {
        Assert.Equal(["2024-01-13T00:00:00", "2024-02-13T00:00:00"],
            Occurrences(TimerSchedule.Parse("0 0 0 13 * *"), "2024-01-01T00:00:00", 2));
        Assert.Equal(["2024-01-05T00:00:00", "2024-01-12T00:00:00"],
            Occurrences(TimerSchedule.Parse("0 0 0 * * Fri"), "2024-01-01T00:00:00", 2));
    }

    [Fact]
    public void Steps_on_a_range_list_every_value()
    {
        Assert.Equal(["2024-01-01T10:10:00", "2024-01-01T10:25:00", "2024-01-01T10:40:00", "2024-01-01T11:10:00"],
            Occurrences(TimerSchedule.Parse("0 10-40/15 * * * *"), "2024-01-01T10:00:00", 4));
    }

    [Fact]
    public void ToString_returns_the_expression_as_given()
    {
        Assert.Equal("0 */5 * * * *", TimerSchedule.Parse("0 */5 * * * *").ToString());
        Assert.Equal(" 0  0 12 * * Mon,Wed ", TimerSchedule.Parse(" 0  0 12 * * Mon,Wed ").ToString());
        Assert.Equal("00:05:00", TimerSchedule.Parse("00:05:00").ToString());
    }

    // ---- Schedules that never or rarely occur: a bounded, fast search ---------------------------

    [Theory]
    [InlineData("0 0 0 31 2 *")]
    [InlineData("0 0 0 30 Feb *")]
    [InlineData("0 0 0 31 4,6,9,11 *")]
    public void A_schedule_that_never_occurs_throws_quickly(string expression)
    {
        var schedule = TimerSchedule.Parse(expression);
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidOperationException>(() => schedule.GetNextOccurrence(Utc("2023-03-01T00:00:00")));
        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_rare_schedule_is_found_quickly()
    {
        // Feb 29 on a Monday: 2044, then 2072.
        var schedule = TimerSchedule.Parse("0 0 0 29 2 Mon");
        var watch = Stopwatch.StartNew();
        Assert.Equal(["2044-02-29T00:00:00", "2072-02-29T00:00:00"], Occurrences(schedule, "2023-03-01T00:00:00", 2));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public void The_end_of_the_calendar_throws()
    {
        var schedule = TimerSchedule.Parse("* * * * * *");
        Assert.Throws<InvalidOperationException>(() => schedule.GetNextOccurrence(Utc("9999-12-31T23:59:59")));
        Assert.Throws<InvalidOperationException>(() => schedule.GetNextOccurrence(DateTimeOffset.MaxValue));
        Assert.Throws<InvalidOperationException>(() => TimerSchedule.Parse("1.00:00:00").GetNextOccurrence(Utc("9999-12-31T00:00:01")));
    }

    // ---- TimeSpan schedules -----------------------------------------------------------------

    [Theory]
    // The grid is anchored at the Unix epoch: every 5 minutes falls on :00, :05, ...
    [InlineData("00:05:00", "2024-01-01T10:02:30", "2024-01-01T10:05:00")]
    [InlineData("00:05:00", "2024-01-01T10:05:00", "2024-01-01T10:10:00")]
    [InlineData("01:00:00", "2024-01-01T10:00:00.001", "2024-01-01T11:00:00")]
    [InlineData("1.00:00:00", "2024-03-10T15:00:00", "2024-03-11T00:00:00")]
    [InlineData("00:00:07", "1970-01-01T00:00:00", "1970-01-01T00:00:07")]
    [InlineData("00:00:07", "1969-12-31T23:59:59", "1970-01-01T00:00:00")]
    [InlineData("00:00:07", "1969-12-31T23:59:52", "1969-12-31T23:59:53")]
    // TimeSpan.TryParse, which the host uses, reads hours past 23 as days: "25:00:00" is 25 days.
    [InlineData("25:00:00", "2024-01-01T00:00:00", "2024-01-03T00:00:00")]
    public void Next_occurrence_of_an_interval(string expression, string after, string expected) =>
        Assert.Equal(Utc(expected), TimerSchedule.Parse(expression).GetNextOccurrence(Utc(after)));

    [Fact]
    public void An_interval_counts_from_the_previous_occurrence()
    {
        // Given an occurrence, the next is exactly one interval later, as the host counts.
        var schedule = TimerSchedule.Parse("00:00:07");
        var at = schedule.GetNextOccurrence(Utc("2024-05-05T05:05:05"));
        for (var i = 0; i < 100; i++)
        {
            var next = schedule.GetNextOccurrence(at);
            Assert.Equal(TimeSpan.FromSeconds(7), next - at);
            at = next;
        }
    }

    [Fact]
    public void An_interval_ignores_the_time_zone_but_answers_in_its_offset()
    {
        // Hours stay hours across Berlin's spring-forward night.
        var schedule = TimerSchedule.Parse("01:00:00", Berlin);
        Assert.Equal(["2024-03-31T00:00:00", "2024-03-31T01:00:00", "2024-03-31T02:00:00"],
            Occurrences(schedule, "2024-03-30T23:30:00", 3));
        Assert.Equal(TimeSpan.FromHours(8), TimerSchedule.Parse("01:00:00", Shanghai).GetNextOccurrence(Utc("2024-01-01T00:00:00")).Offset);
    }

    // ---- Time zones -------------------------------------------------------------------------

    [Fact]
    public void China_standard_time_fires_at_local_eight_which_is_midnight_utc()
    {
        var schedule = TimerSchedule.Parse("0 0 8 * * *", Shanghai);
        var next = schedule.GetNextOccurrence(Utc("2024-04-30T23:00:00"));
        Assert.Equal(Utc("2024-05-01T00:00:00"), next);
        Assert.Equal(TimeSpan.FromHours(8), next.Offset);
        Assert.Equal(8, next.Hour);
        // At 08:00 local exactly, the next is the following day.
        Assert.Equal(["2024-05-02T00:00:00", "2024-05-03T00:00:00"], Occurrences(schedule, "2024-05-01T00:00:00", 2));
    }

    [Fact]
    public void Day_fields_are_evaluated_on_the_local_date()
    {
        // Monday 00:30 in Shanghai is Sunday 16:30 UTC.
        var schedule = TimerSchedule.Parse("0 30 0 * * Mon", Shanghai);
        Assert.Equal(Utc("2024-03-10T16:30:00"), schedule.GetNextOccurrence(Utc("2024-03-08T00:00:00")));
    }

    [Fact]
    public void Berlin_daily_job_keeps_local_time_across_both_changes()
    {
        var schedule = TimerSchedule.Parse("0 0 9 * * *", Berlin);
        // 09:00 CET is 08:00Z; from Sunday 2024-03-31, 09:00 CEST is 07:00Z.
        Assert.Equal(["2024-03-30T08:00:00", "2024-03-31T07:00:00", "2024-04-01T07:00:00"],
            Occurrences(schedule, "2024-03-30T00:00:00", 3));
        // And back on Sunday 2024-10-27.
        Assert.Equal(["2024-10-26T07:00:00", "2024-10-27T08:00:00", "2024-10-28T08:00:00"],
            Occurrences(schedule, "2024-10-26T00:00:00", 3));
    }

    [Fact]
    public void Berlin_a_time_in_the_spring_gap_fires_once_when_the_clock_jumps()
    {
        // 02:30 does not exist on 2024-03-31 (02:00 CET -> 03:00 CEST, at 01:00Z): it fires at 03:00 CEST.
        var schedule = TimerSchedule.Parse("0 30 2 * * *", Berlin);
        var next = schedule.GetNextOccurrence(Utc("2024-03-30T12:00:00"));
        Assert.Equal(Utc("2024-03-31T01:00:00"), next);
        Assert.Equal(new DateTime(2024, 3, 31, 3, 0, 0), next.DateTime);
        Assert.Equal(TimeSpan.FromHours(2), next.Offset);
        Assert.Equal("2024-04-01T00:30:00", Occurrences(schedule, "2024-03-31T01:00:00", 1)[0]);
    }

    [Fact]
    public void Berlin_every_half_hour_across_the_spring_gap_stays_in_order()
    {
        // 01:30 CET, then 02:00 and 02:30 (missing) collapse into 03:00 CEST, then 03:30 CEST.
        var schedule = TimerSchedule.Parse("0 */30 * * * *", Berlin);
        Assert.Equal(["2024-03-31T00:30:00", "2024-03-31T01:00:00", "2024-03-31T01:30:00", "2024-03-31T02:00:00"],
            Occurrences(schedule, "2024-03-31T00:00:00", 4));
    }

    [Fact]
    public void Berlin_a_repeated_time_in_the_autumn_fires_once_at_its_first_instant()
    {
        // 02:00-02:59 happens twice on 2024-10-27: CEST (00:00Z-00:59Z), then CET (01:00Z-01:59Z).
        var schedule = TimerSchedule.Parse("0 30 2 * * *", Berlin);
        Assert.Equal(["2024-10-27T00:30:00", "2024-10-28T01:30:00"], Occurrences(schedule, "2024-10-26T12:00:00", 2));
        // Starting inside the second pass, the repeated 02:30 is not fired again.
        Assert.Equal(["2024-10-28T01:30:00"], Occurrences(schedule, "2024-10-27T01:00:00", 1));
        // Starting inside the first pass, before 02:30, it fires in the first pass.
        Assert.Equal(["2024-10-27T00:30:00"], Occurrences(schedule, "2024-10-27T00:10:00", 1));
    }

    [Fact]
    public void Berlin_every_half_hour_pauses_during_the_repeated_hour()
    {
        // 02:00 and 02:30 CEST fire; their repeats in CET do not; then 03:00 CET.
        var schedule = TimerSchedule.Parse("0 */30 * * * *", Berlin);
        Assert.Equal(["2024-10-26T23:30:00", "2024-10-27T00:00:00", "2024-10-27T00:30:00", "2024-10-27T02:00:00"],
            Occurrences(schedule, "2024-10-26T23:00:00", 4));
    }

    // ---- Errors -----------------------------------------------------------------------------

    [Theory]
    [InlineData("", "has 0 fields")]
    [InlineData("   ", "has 0 fields")]
    [InlineData("* * * *", "has 4 fields")]
    [InlineData("* * * * * * *", "has 7 fields")]
    [InlineData("60 * * * * *", "field 'second' value 60 is out of range 0-59")]
    [InlineData("0 61 * * * *", "field 'minute' value 61 is out of range 0-59")]
    [InlineData("0 0 24 * * *", "field 'hour' value 24 is out of range 0-23")]
    [InlineData("0 0 0 0 * *", "field 'day' value 0 is out of range 1-31")]
    [InlineData("0 0 0 32 * *", "field 'day' value 32 is out of range 1-31")]
    [InlineData("0 0 0 * 0 *", "field 'month' value 0 is out of range 1-12")]
    [InlineData("0 0 0 * 13 *", "field 'month' value 13 is out of range 1-12")]
    [InlineData("0 0 0 * * 7", "field 'day-of-week' value 7 is out of range 0-6")]
    [InlineData("0 0 0 * * 1-7", "field 'day-of-week' value 7 is out of range 0-6")]
    [InlineData("0 70 * * *", "field 'hour' value 70 is out of range 0-23")]
    [InlineData("0 0 0 * Foo *", "field 'month' value 'Foo'")]
    [InlineData("0 0 0 * Ju *", "field 'month' value 'Ju'")]
    [InlineData("0 0 0 * * Funday", "field 'day-of-week' value 'Funday'")]
    [InlineData("0 0 0 * * Jan", "field 'day-of-week' value 'Jan'")]
    [InlineData("0 Mon * * * *", "field 'minute' value 'Mon' in 'Mon' is not a number")]
    [InlineData("0 ? * * * *", "field 'minute' value '?'")]
    [InlineData("0 1,,2 * * * *", "field 'minute' '1,,2' has an empty list item")]
    [InlineData("0 1, * * * *", "field 'minute' '1,' has an empty list item")]
    [InlineData("0 0 ,3 * * *", "field 'hour' ',3' has an empty list item")]
    [InlineData("0 */0 * * * *", "field 'minute' step 0 in '*/0' must be at least 1")]
    [InlineData("0 0 1-5/0 * * *", "field 'hour' step 0 in '1-5/0' must be at least 1")]
    [InlineData("0 */x * * * *", "field 'minute' step 'x' in '*/x' is not a number")]
    [InlineData("0 */ * * * *", "field 'minute' step '' in '*/' is not a number")]
    [InlineData("0 1/2/3 * * * *", "field 'minute' step '2/3' in '1/2/3' is not a number")]
    [InlineData("0 5-2 * * * *", "field 'minute' range 5-2 is reversed")]
    [InlineData("0 0 0 * Dec-Jan *", "field 'month' range Dec-Jan is reversed")]
    [InlineData("0 1- * * * *", "field 'minute' value '' in '1-' is not a number")]
    [InlineData("0 -1 * * * *", "field 'minute' value '' in '-1' is not a number")]
    [InlineData("0 1-2-3 * * * *", "field 'minute' value '2-3' in '1-2-3' is not a number")]
    [InlineData("0 *-5 * * * *", "field 'minute' value '*' in '*-5' is not a number")]
    [InlineData("0 99999999999 * * * *", "field 'minute' value '99999999999' in '99999999999' is not a number")]
    [InlineData("00:00:00", "not positive")]
    [InlineData("-00:05:00", "not positive")]
    [InlineData("00:60:00", "is not a TimeSpan")]
    [InlineData("00:05:00 *", "is not a TimeSpan")]
    public void Invalid_expressions_say_which_field_and_rule(string expression, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_expression_is_an_argument_error() =>
        Assert.Throws<ArgumentNullException>(() => TimerSchedule.Parse(null!));

    [Fact]
    public void A_step_larger_than_the_range_gives_its_start_only()
    {
        Assert.Equal(["2024-01-01T11:05:00", "2024-01-01T12:05:00"],
            Occurrences(TimerSchedule.Parse($"0 5/{int.MaxValue} * * * *"), "2024-01-01T10:30:00", 2));
    }

    // ---- Properties over random expressions ----------------------------------------------------

    /// <summary>A field generated together with its meaning, so the check does not rely on the parser.</summary>
    private sealed record GeneratedField(string Text, bool[] Allowed);

    private static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private static GeneratedField Generate(Random random, int min, int max, string[]? names, double starChance)
    {
        var allowed = new bool[max + 1];
        if (random.NextDouble() < starChance)
        {
            for (var v = min; v <= max; v++)
            {
                allowed[v] = true;
            }
            return new("*", allowed);
        }

        string Value(int v) => names is not null && random.Next(2) == 0
            ? (random.Next(2) == 0 ? names[v - min] : names[v - min].ToUpperInvariant())
            : v.ToString(CultureInfo.InvariantCulture);

        var items = new List<string>();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            int first, last, step = 1;
            string text;
            switch (random.Next(5))
            {
                case 0:
                    first = last = random.Next(min, max + 1);
                    text = Value(first);
                    break;
                case 1:
                    first = random.Next(min, max + 1);
                    last = random.Next(first, max + 1);
                    text = $"{Value(first)}-{Value(last)}";
                    break;
                case 2:
                    (first, last, step) = (min, max, random.Next(1, (max - min) / 2 + 2));
                    text = $"*/{step}";
                    break;
                case 3:
                    first = random.Next(min, max + 1);
                    last = random.Next(first, max + 1);
                    step = random.Next(1, 8);
                    text = $"{Value(first)}-{Value(last)}/{step}";
                    break;
                default:
                    (first, last, step) = (random.Next(min, max + 1), max, random.Next(1, 8));
                    text = $"{Value(first)}/{step}";
                    break;
            }
            for (var v = first; v <= last; v += step)
            {
                allowed[v] = true;
            }
            items.Add(text);
        }
        return new(string.Join(",", items), allowed);
    }

    private sealed record GeneratedSchedule(string Expression, GeneratedField[] Fields)
    {
        // second, minute, hour, day, month, day of week; day and day of week ANDed.
        public bool Matches(DateTime t) =>
            Fields[0].Allowed[t.Second] && Fields[1].Allowed[t.Minute] && Fields[2].Allowed[t.Hour]
            && Fields[3].Allowed[t.Day] && Fields[4].Allowed[t.Month] && Fields[5].Allowed[(int)t.DayOfWeek];

        public bool MatchesDate(DateTime t) =>
            Fields[3].Allowed[t.Day] && Fields[4].Allowed[t.Month] && Fields[5].Allowed[(int)t.DayOfWeek];
    }

    private static GeneratedSchedule GenerateSchedule(Random random)
    {
        var fields = new[]
        {
            Generate(random, 0, 59, null, 0.3),
            Generate(random, 0, 59, null, 0.3),
            Generate(random, 0, 23, null, 0.4),
            Generate(random, 1, 31, null, 0.7),
            Generate(random, 1, 12, MonthNames, 0.7),
            Generate(random, 0, 6, DayNames, 0.7),
        };
        // Sometimes the classic five fields, when the second field generated says "second 0".
        if (random.Next(4) == 0)
        {
            var zero = new bool[60];
            zero[0] = true;
            fields[0] = new("0", zero);
            return new(string.Join(" ", fields.Skip(1).Select(f => f.Text)), fields);
        }
        return new(string.Join(" ", fields.Select(f => f.Text)), fields);
    }

    /// <summary>
    /// The first matching wall time after <paramref name="after"/> by brute force: day by day, then
    /// second by second through the matching days only; or null within <paramref name="limit"/>.
    /// </summary>
    private static DateTime? BruteForceNext(GeneratedSchedule schedule, DateTime after, DateTime limit)
    {
        var t = after.AddTicks(-(after.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        while (t <= limit)
        {
            if (!schedule.MatchesDate(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }
            for (var end = t.Date.AddDays(1); t < end; t = t.AddSeconds(1))
            {
                if (schedule.Matches(t))
                {
                    return t;
                }
            }
        }
        return null;
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Asia/Shanghai")]
    public void Random_expressions_agree_with_brute_force(string zoneId)
    {
        // Zones without DST in this period: every wall time maps to exactly one instant.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var random = new Random(20240229);
        var checkedGaps = 0;
        for (var i = 0; i < 400; i++)
        {
            var generated = GenerateSchedule(random);
            var schedule = TimerSchedule.Parse(generated.Expression, zone);
            var start = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)
                .AddSeconds(random.NextInt64(0, 40L * 365 * 24 * 3600))
                .AddMilliseconds(random.Next(0, 1000) * (random.Next(3) == 0 ? 1 : 0));

            DateTimeOffset next;
            try
            {
                next = schedule.GetNextOccurrence(start);
            }
            catch (InvalidOperationException)
            {
                // Only a day/month/day-of-week combination that cannot happen may have no occurrence.
                Assert.Null(BruteForceNext(generated, TimeZoneInfo.ConvertTime(start, zone).DateTime, TimeZoneInfo.ConvertTime(start, zone).DateTime.AddYears(30)));
                continue;
            }

            var context = $"'{generated.Expression}' after {start:o}";
            Assert.True(next > start, context);
            Assert.Equal(0, next.Ticks % TimeSpan.TicksPerSecond);
            var wallStart = TimeZoneInfo.ConvertTime(start, zone).DateTime;
            var wallNext = TimeZoneInfo.ConvertTime(next, zone).DateTime;
            Assert.True(generated.Matches(wallNext), context);
            // Nothing matches in between (brute force bounded to a span of years, which the generated fields fit).
            if (wallNext - wallStart < TimeSpan.FromDays(5 * 366))
            {
                Assert.Equal(wallNext, BruteForceNext(generated, wallStart, wallNext));
                checkedGaps++;
            }
        }
        Assert.True(checkedGaps > 300, $"only {checkedGaps} gaps checked");
    }

    [Fact]
    public void Random_expressions_in_Berlin_around_the_changes_follow_the_DST_rules()
    {
        // Brute force over every second of the nights of 2024's changes, using the zone's own answers:
        // a wall time the clock skips fires at the instant of the jump, a repeated one only in its
        // first pass (the larger offset), every other one at its single instant.
        var random = new Random(1031);
        var answeredInWindow = 0;
        foreach (var change in new[] { Utc("2024-03-31T01:00:00"), Utc("2024-10-27T01:00:00") })
        {
            var (from, to) = (change.AddHours(-4), change.AddHours(4));
            var firing = FiringWallTimes(from, to);
            for (var i = 0; i < 100; i++)
            {
                var generated = FrequentSchedule(random);
                var schedule = TimerSchedule.Parse(generated.Expression, Berlin);
                var start = change.AddSeconds(random.Next(-3 * 3600, 3600));
                var next = schedule.GetNextOccurrence(start);
                var context = $"'{generated.Expression}' after {start:o}";
                var expected = firing.FirstOrDefault(f => f.Instant > start && generated.Matches(f.Wall));
                if (expected == default)
                {
                    Assert.True(next > to, context);
                    continue;
                }
                Assert.Equal(expected.Instant, next);
                Assert.Equal(Berlin.GetUtcOffset(next), next.Offset);
                answeredInWindow++;
            }
        }
        Assert.True(answeredInWindow > 150, $"only {answeredInWindow} answers in the windows");

        static List<(DateTimeOffset Instant, DateTime Wall)> FiringWallTimes(DateTimeOffset from, DateTimeOffset to)
        {
            var result = new List<(DateTimeOffset, DateTime)>();
            var previousWall = TimeZoneInfo.ConvertTime(from, Berlin).DateTime;
            for (var s = from.AddSeconds(1); s <= to; s = s.AddSeconds(1))
            {
                var local = TimeZoneInfo.ConvertTime(s, Berlin);
                for (var skipped = previousWall.AddSeconds(1); skipped < local.DateTime; skipped = skipped.AddSeconds(1))
                {
                    result.Add((s, skipped));
                }
                var secondPass = Berlin.IsAmbiguousTime(local.DateTime)
                    && local.Offset != Berlin.GetAmbiguousTimeOffsets(local.DateTime).Max();
                if (!secondPass)
                {
                    result.Add((s, local.DateTime));
                }
                previousWall = local.DateTime;
            }
            return result;
        }

        static GeneratedSchedule FrequentSchedule(Random random)
        {
            static GeneratedField Any(int count) => new("*", Enumerable.Repeat(true, count).ToArray());
            var seconds = random.Next(2) == 0 ? Generate(random, 0, 59, null, 0.5) : new("0", [true, .. new bool[59]]);
            var minutes = Generate(random, 0, 59, null, 0.3);
            var hours = Generate(random, 0, 23, null, 0.5);
            var fields = new[] { seconds, minutes, hours, Any(32), Any(13), Any(7) };
            return new(string.Join(" ", fields.Select(f => f.Text)), fields);
        }
    }
}
