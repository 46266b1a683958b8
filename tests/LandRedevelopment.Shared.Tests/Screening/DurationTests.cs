using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Screening.Kit;

namespace LandRedevelopment.Shared.Tests.Screening;

public class DurationTests
{
    [Theory]
    // The start day is not counted; a year ends on the corresponding day.
    [InlineData("2025-06-01", 1, 0, 0, "2026-06-01")]
    // No corresponding day: the month's last day (Civil Code art. 202).
    [InlineData("2024-02-29", 1, 0, 0, "2025-02-28")]
    [InlineData("2024-02-29", 4, 0, 0, "2028-02-29")]
    [InlineData("2025-01-31", 0, 1, 0, "2025-02-28")]
    [InlineData("2024-01-31", 0, 1, 0, "2024-02-29")]
    [InlineData("2025-08-31", 0, 6, 0, "2026-02-28")]
    [InlineData("2024-02-29", 0, 1, 0, "2024-03-29")]
    [InlineData("2025-12-31", 0, 0, 1, "2026-01-01")]
    [InlineData("2025-06-01", 0, 0, 0, "2025-06-01")]
    public void The_last_day_of_a_period(string since, int years, int months, int days, string lastDay)
    {
        Assert.Equal(Day(lastDay), ScreeningPeriods.LastDay(Day(since), new Period { Years = years, Months = months, Days = days }));
    }

    [Theory]
    [InlineData("2025-06-01", false)] // the year's last day: not yet fully run
    [InlineData("2025-06-02", true)]  // the day after: it has
    public void A_period_has_run_once_its_last_day_is_over(string surveyedOn, bool elapsed)
    {
        Assert.Equal(elapsed, ScreeningPeriods.HasElapsed(Day("2024-06-01"), Years(1), Day(surveyedOn)));
    }

    [Fact]
    public void Working_day_periods_need_a_calendar_and_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => ScreeningPeriods.LastDay(Day("2025-06-01"), new Period { WorkingDays = 5 }));
        var rule = Duration(new DurationRule { Since = "s", AtLeast = new Period { WorkingDays = 5 } });
        Assert.Throws<ScreeningRuleException>(() => Eval(rule, Parcel(attributes: ("s", Day("2025-01-01")))));
    }

    [Theory]
    // 1 year from 2024-06-01 ends 2025-06-01.
    [InlineData("atLeast", "2025-06-01", false)]
    [InlineData("atLeast", "2025-06-02", true)]
    [InlineData("atLeast", "2025-06-03", true)]
    [InlineData("below", "2025-06-01", true)]
    [InlineData("below", "2025-06-02", false)]
    [InlineData("below", "2025-06-03", false)]
    // "Over" needs a whole day beyond the period.
    [InlineData("over", "2025-06-01", false)]
    [InlineData("over", "2025-06-02", false)]
    [InlineData("over", "2025-06-03", true)]
    [InlineData("atMost", "2025-06-01", true)]
    [InlineData("atMost", "2025-06-02", true)]
    [InlineData("atMost", "2025-06-03", false)]
    public void Duration_comparators_at_their_boundary(string comparator, string surveyedOn, bool met)
    {
        var year = Years(1);
        var rule = Duration(comparator switch
        {
            "atLeast" => new DurationRule { Since = "idleSince", AtLeast = year },
            "below" => new DurationRule { Since = "idleSince", Below = year },
            "over" => new DurationRule { Since = "idleSince", Over = year },
            _ => new DurationRule { Since = "idleSince", AtMost = year },
        });

        var outcome = Eval(rule, Parcel(surveyedOn: surveyedOn, attributes: ("idleSince", Day("2024-06-01"))));

        Assert.Equal(met, outcome.Met);
    }

    [Theory]
    [InlineData("2025-02-28", false)]
    [InlineData("2025-03-01", true)]
    public void A_year_from_a_leap_day_ends_on_the_last_day_of_February(string surveyedOn, bool met)
    {
        var rule = Duration(new DurationRule { Since = "idleSince", AtLeast = Years(1) });
        Assert.Equal(met, Eval(rule, Parcel(surveyedOn: surveyedOn, attributes: ("idleSince", Day("2024-02-29")))).Met);
    }

    [Theory]
    [InlineData("2024-02-29", false)]
    [InlineData("2024-03-01", true)]
    public void A_month_from_the_31st_crosses_a_leap_february(string surveyedOn, bool met)
    {
        var rule = Duration(new DurationRule { Since = "since", AtLeast = Months(1) });
        Assert.Equal(met, Eval(rule, Parcel(surveyedOn: surveyedOn, attributes: ("since", Day("2024-01-31")))).Met);
    }

    [Fact]
    public void Duration_records_both_dates_and_explains_the_arithmetic()
    {
        var rule = Duration(new DurationRule { Since = "idleSince", AtLeast = Years(1) });

        var outcome = Eval(rule, Parcel(surveyedOn: "2025-03-01", attributes: ("idleSince", Day("2024-02-29"))));

        Assert.Equal(Day("2024-02-29"), outcome.Values["idleSince"].AsDate());
        Assert.Equal(Day("2025-03-01"), outcome.Values["surveyedOn"].AsDate());
        Assert.Equal("idleSince 2024-02-29 + 1 year ends 2025-02-28; surveyedOn 2025-03-01: elapsed ≥ 1 year", outcome.Explanation);
    }

    [Fact]
    public void A_future_start_has_not_run()
    {
        var rule = Duration(new DurationRule { Since = "idleSince", Below = Years(1) });
        Assert.True(Eval(rule, Parcel(surveyedOn: "2025-01-01", attributes: ("idleSince", Day("2026-01-01")))).Met);
    }

    [Fact]
    public void A_missing_start_date_is_not_met()
    {
        var below = Eval(Duration(new DurationRule { Since = "idleSince", Below = Years(1) }), Parcel());
        Assert.False(below.Met);
        Assert.Equal(["idleSince"], below.Missing);
        Assert.DoesNotContain("surveyedOn", below.Values.Keys);
    }
}
