using LandRedevelopment.Calendars;

namespace LandRedevelopment.Shared.Tests.Calendars;

public class PeriodTests
{
    [Fact]
    public void A_period_reads_as_words()
    {
        Assert.Equal("6 months", Period.OfMonths(6).ToString());
        Assert.Equal("1 year", Period.OfYears(1).ToString());
        Assert.Equal("1 year 2 months 10 days", Period.Create(1, 2, 10).ToString());
        Assert.Equal("1 day", Period.OfDays(1).ToString());
        Assert.Equal("20 working days", Period.OfWorkingDays(20).ToString());
        Assert.Equal("1 working day", Period.OfWorkingDays(1).ToString());
        Assert.Equal("0 days", new Period().ToString());
    }

    [Fact]
    public void A_calendar_period_has_an_ISO_8601_form()
    {
        Assert.Equal("P6M", Period.OfMonths(6).ToIso8601());
        Assert.Equal("P1Y2M10D", Period.Create(1, 2, 10).ToIso8601());
        Assert.Equal("P5Y", Period.OfYears(5).ToIso8601());
        Assert.Equal("P0D", new Period().ToIso8601());
        Assert.Throws<InvalidOperationException>(() => Period.OfWorkingDays(20).ToIso8601());
    }

    [Theory]
    [InlineData("P1Y2M10D", 1, 2, 10)]
    [InlineData("P6M", 0, 6, 0)]
    [InlineData("P2Y", 2, 0, 0)]
    [InlineData("P10D", 0, 0, 10)]
    [InlineData("P1Y10D", 1, 0, 10)]
    [InlineData("P0D", 0, 0, 0)]
    [InlineData("P18M", 0, 18, 0)]
    public void ParseIso8601_reads_years_months_and_days(string text, int years, int months, int days)
    {
        Assert.Equal(new Period { Years = years, Months = months, Days = days }, Period.ParseIso8601(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("6M")]
    [InlineData("P2W")]
    [InlineData("PT10H")]
    [InlineData("P1DT1H")]
    [InlineData("P1.5Y")]
    [InlineData("P-1Y")]
    [InlineData("P1M1Y")]
    [InlineData("P1Y1Y")]
    [InlineData("P1")]
    [InlineData("p1y")]
    [InlineData("P99999999999Y")]
    [InlineData("20 working days")]
    public void ParseIso8601_refuses_anything_else(string text)
    {
        Assert.Throws<FormatException>(() => Period.ParseIso8601(text));
        Assert.False(Period.TryParseIso8601(text, out _));
    }

    [Fact]
    public void A_period_is_in_calendar_units_or_working_days_not_both()
    {
        Assert.Throws<ArgumentException>(() => Period.Create(months: 1, workingDays: 5));
        Assert.Throws<ArgumentException>(() => Period.Create(days: -1));
        Assert.False(new Period { Days = 3, WorkingDays = 2 }.IsValid);
        Assert.False(new Period { Years = -1 }.IsValid);
        Assert.Throws<ArgumentException>(() => new Period { Days = 3, WorkingDays = 2 }.Validate());
        Assert.True(Period.Create(1, 2, 3).IsValid);
        Assert.True(Period.OfWorkingDays(3).IsValid);
        Assert.True(new Period().IsValid);
    }

    [Fact]
    public void Periods_are_equal_by_their_components()
    {
        Assert.Equal(Period.OfMonths(6), new Period { Months = 6 });
        Assert.NotEqual(Period.OfMonths(12), Period.OfYears(1));
    }
}
