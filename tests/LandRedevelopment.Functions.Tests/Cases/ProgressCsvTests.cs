using System.Text;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Functions.Cases;

namespace LandRedevelopment.Functions.Tests.Cases;

/// <summary>The progress table a spreadsheet opens: quoted where a name needs it, and never a formula.</summary>
public class ProgressCsvTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 4, 10, 0, 0, TimeSpan.FromHours(8));

    private static CaseSummary Case(string id, string district) =>
        new(id, CaseState.InReview, "6502" + id, district, null, "industrial", 1000m, "candidate", true, Now, 0, 0, 0, 0,
            new LandPriceFigures(true, Money.FromYuan(10m), Money.Zero, Money.Zero));

    [Fact]
    public void Names_with_commas_and_quotes_are_quoted_and_one_a_spreadsheet_would_run_is_escaped()
    {
        var bytes = ProgressCsv.Write(ProgressReport.From([Case("1", "东区, \"新城\""), Case("2", "=HYPERLINK(\"http://x\")")], Now));
        var text = Encoding.UTF8.GetString(bytes);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("\uFEFFasOf,scope,district,state,returnedTrack,cases,areaM2,areaMu,landPriceScheduled,landPriceDue,landPricePaid,landPriceOutstanding,landPriceOverdue", lines[0]);
        Assert.Equal("2027-01-04T10:00:00.0000000+08:00,city,,,,2,2000,3.0000,2,20.00,0.00,20.00,0.00", lines[1]);
        Assert.Equal("2027-01-04T10:00:00.0000000+08:00,city,,InReview,,2,2000,3.0000,,,,,", lines[2]);
        Assert.Contains(lines, l => l.Contains(",district,\"'=HYPERLINK(\"\"http://x\"\")\",,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",district,\"东区, \"\"新城\"\"\",InReview,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(",=HYPERLINK", StringComparison.Ordinal));
        Assert.Equal(1 + 2 + 2 * 2, lines.Length);
    }

    [Fact]
    public void A_district_report_has_that_districts_rows_alone()
    {
        var lines = Encoding.UTF8.GetString(ProgressCsv.Write(ProgressReport.From([Case("1", "东区"), Case("2", "西区")], Now, "西区")))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.All(lines[1..], l => Assert.Contains(",district,西区,", l, StringComparison.Ordinal));
    }
}
