using System.Collections.Immutable;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Payments;
using LandRedevelopment.Payments.Durable;

namespace LandRedevelopment.Shared.Tests.Cases;

public class ProgressReportTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 4, 10, 0, 0, TimeSpan.FromHours(8));

    private static CaseSummary Case(string id, CaseState state, string district, decimal areaM2, LandPriceFigures? landPrice = null) =>
        new(id, state, "650203" + id, district, null, "industrial", areaM2, "candidate", true, Now, 0, 0, 0, 0, landPrice);

    private static LandPriceFigures Price(decimal due, decimal paid, decimal overdue = 0m, bool scheduled = true) =>
        new(scheduled, Money.FromYuan(due), Money.FromYuan(paid), Money.FromYuan(overdue));

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

    [Fact]
    public void Parcels_returned_for_rework_are_counted_by_the_review_that_returned_them()
    {
        var report = ProgressReport.From(
        [
            Case("1", CaseState.ReturnedForRework, "克拉玛依区", 100m) with { ReturnedTrack = "plan" },
            Case("2", CaseState.ReturnedForRework, "克拉玛依区", 200m) with { ReturnedTrack = "determination" },
            Case("3", CaseState.ReturnedForRework, "克拉玛依区", 300m) with { ReturnedTrack = "plan" },
            Case("4", CaseState.ReturnedForRework, "克拉玛依区", 400m),
            Case("5", CaseState.InReview, "克拉玛依区", 500m),
        ], Now);

        Assert.Equal(
            [
                new StateProgress(CaseState.InReview, 1, 500m, 0.75m),
                new StateProgress(CaseState.ReturnedForRework, 1, 200m, 0.3m, "determination"),
                new StateProgress(CaseState.ReturnedForRework, 2, 400m, 0.6m, "plan"),
                new StateProgress(CaseState.ReturnedForRework, 1, 400m, 0.6m),
            ],
            report.ByState);
    }

    [Fact]
    public void The_land_price_adds_up_the_parcels_schedules_and_receipts_and_owes_case_by_case()
    {
        var report = ProgressReport.From(
        [
            Case("1", CaseState.Redevelopment, "克拉玛依区", 1000m, Price(2_000_000m, 1_000_000m, overdue: 400_000.50m)),
            Case("2", CaseState.Redevelopment, "克拉玛依区", 1000m, Price(500_000m, 500_000m)),
            // Paid beyond its due (a refund pending): the surplus does not pay another parcel's balance.
            Case("3", CaseState.TransitionOver, "独山子区", 1000m, Price(100_000m, 100_000.01m)),
            // A contract whose schedule is not computed yet: nothing due, nothing counted as scheduled.
            Case("4", CaseState.Redevelopment, "独山子区", 1000m, Price(0m, 0m, scheduled: false)),
            Case("5", CaseState.InReview, "独山子区", 1000m),
        ], Now);

        Assert.Equal(new LandPriceProgress(3, "2600000.00", "1600000.01", "1000000.00", "400000.50"), report.LandPrice);
        Assert.Equal(new LandPriceProgress(2, "2500000.00", "1500000.00", "1000000.00", "400000.50"), report.ByDistrict[0].LandPrice);
        Assert.Equal(new LandPriceProgress(1, "100000.00", "100000.01", "0.00", "0.00"), report.ByDistrict[1].LandPrice);
        Assert.Equal(new LandPriceProgress(0, "0.00", "0.00", "0.00", "0.00"), ProgressReport.From([Case("6", CaseState.InReview, "克拉玛依区", 1m)], Now).LandPrice);
    }

    [Fact]
    public void A_payment_states_figures_count_only_the_unpaid_part_of_instalments_that_fell_overdue()
    {
        var signed = new DateOnly(2027, 1, 4);
        Instalment[] instalments = [new(1, Money.FromYuan(600_000m), signed.AddDays(30)), new(2, Money.FromYuan(400_000m), signed.AddDays(300))];
        var state = new PaymentState
        {
            Contract = new ContractTerms { ContractId = "HT-1", Version = 1, SignedOn = signed },
            ContractHash = "h",
            Status = PaymentStatus.Scheduled,
            Schedule = new PaymentSchedule(new AmountDue(Money.FromYuan(1_000_000m), "new-conditions-70", false, "", ""), signed, PlanKind.Requested, instalments, ""),
            Receipts = [new Receipt("BANK-1", Money.FromYuan(250_000m), signed.AddDays(10), DateTimeOffset.UnixEpoch)],
            Overdue = ImmutableSortedSet.Create(1),
        };

        Assert.Equal(new LandPriceFigures(true, Money.FromYuan(1_000_000m), Money.FromYuan(250_000m), Money.FromYuan(350_000m)), state.Figures());

        // Before its schedule is computed a contract makes nothing due; money received is still counted.
        Assert.Equal(new LandPriceFigures(false, Money.Zero, Money.FromYuan(250_000m), Money.Zero),
            (state with { Status = PaymentStatus.Queued, Schedule = null, Overdue = [] }).Figures());
    }
}
