using LandRedevelopment.Cases;

namespace LandRedevelopment.Shared.Tests.Cases;

public class ProgressReportTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 4, 10, 0, 0, TimeSpan.FromHours(8));

    private static CaseSummary Case(string id, CaseState state, string district, decimal areaM2) =>
        new(id, state, "650203" + id, district, null, "industrial", areaM2, "candidate", true, Now, 0, 0, 0, 0);

    [Fact]
    public void Each_case_counts_once_in_its_state_and_its_district_with_its_area_in_square_metres_and_mu()
    {
        var report = ProgressReport.From(
        [
            Case("1", CaseState.InReview, "克拉玛依区", 1000.25m),
            Case("2", CaseState.InReview, "克拉玛依区", 2000.50m),
            Case("3", CaseState.Reclamation, "独山子区", 666.67m),
            Case("4", CaseState.Redevelopment, "克拉玛依区", 10000m),
        ], Now);

        Assert.Equal((4, 13667.42m, 20.5011m), (report.Cases, report.AreaM2, report.AreaMu));
        Assert.Equal([CaseState.InReview, CaseState.Redevelopment, CaseState.Reclamation], report.ByState.Select(s => s.State));
        Assert.Equal(new StateProgress(CaseState.InReview, 2, 3000.75m, 4.5011m), report.ByState[0]);
        Assert.Equal(["克拉玛依区", "独山子区"], report.ByDistrict.Select(d => d.District));
        Assert.Equal((3, 13000.75m), (report.ByDistrict[0].Cases, report.ByDistrict[0].AreaM2));
        Assert.Equal(new StateProgress(CaseState.Reclamation, 1, 666.67m, 1.0000m), Assert.Single(report.ByDistrict[1].ByState));
        Assert.Equal(report.Cases, report.ByState.Sum(s => s.Cases));
        Assert.Equal(report.AreaM2, report.ByDistrict.Sum(d => d.AreaM2));
    }

    [Fact]
    public void A_district_report_counts_that_district_alone_and_an_empty_one_is_all_zero()
    {
        var cases = new[] { Case("1", CaseState.InReview, "克拉玛依区", 100m), Case("2", CaseState.ScreenedOut, "独山子区", 50m) };

        var one = ProgressReport.From(cases, Now, "独山子区");
        Assert.Equal(("独山子区", 1, 50m, CaseState.ScreenedOut), (one.District, one.Cases, one.AreaM2, Assert.Single(one.ByState).State));

        var none = ProgressReport.From([], Now);
        Assert.Equal((0, 0m, 0m), (none.Cases, none.AreaM2, none.AreaMu));
        Assert.Empty(none.ByState);
        Assert.Empty(none.ByDistrict);
    }
}
