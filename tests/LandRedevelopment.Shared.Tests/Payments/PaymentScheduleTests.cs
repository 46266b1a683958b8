using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
using LandRedevelopment.Payments;
using LandRedevelopment.Policies;
using LandRedevelopment.Shared.Tests.Calendars;
using static LandRedevelopment.Shared.Tests.Payments.PaymentTestKit;

namespace LandRedevelopment.Shared.Tests.Payments;

public class PaymentScheduleTests
{
    [Fact]
    public void Urumqi_prices_70_percent_of_the_new_appraisal()
    {
        var (due, violations) = PaymentCalculator.ComputeAmountDue(Policy("urumqi"), Signed(D("2026-06-08")) with
        {
            PriceBasis = "new-conditions-70",
            NewConditions = new Appraisal(Y(12_000_000m), D("2026-05-01")),
        }, landUse: "industrial");

        Assert.Empty(violations);
        Assert.Equal(new AmountDue(Y(8_400_000m), "new-conditions-70", false, "0.7 × 12,000,000.00 = 8,400,000.00", "乌鲁木齐 items 8, 11"), due);
    }

    [Fact]
    public void Urumqi_prices_70_percent_of_the_appraisal_difference()
    {
        var (due, violations) = PaymentCalculator.ComputeAmountDue(Policy("urumqi"), Difference("appraisal-difference-70", D("2026-06-08"), 12_000_000m, 4_000_000m), landUse: "industrial");

        Assert.Empty(violations);
        Assert.Equal(Y(5_600_000m), due!.Amount);
        Assert.Equal("0.7 × (12,000,000.00 − 4,000,000.00) = 5,600,000.00", due.Explanation);
        Assert.Equal("appraisal-difference-70", due.Basis);
    }

    [Fact]
    public void The_share_is_rounded_to_the_fen_half_away_from_zero()
    {
        // 0.7 × 1,000,000.05 = 700,000.035 → 700,000.04
        var (due, _) = PaymentCalculator.ComputeAmountDue(Policy("urumqi"), Difference("appraisal-difference-70", D("2026-06-08"), 1_000_000.05m), landUse: "industrial");

        Assert.Equal(Y(700_000.04m), due!.Amount);
    }

    [Fact]
    public void Urumqi_without_a_plan_is_a_lump_sum_on_the_signing_day_moved_over_the_weekend()
    {
        var schedule = Valid(Compute("urumqi", Difference("appraisal-difference-70", D("2026-06-06"), 12_000_000m, 4_000_000m)));

        Assert.Equal(PlanKind.LumpSum, schedule.Plan);
        Assert.Equal(D("2026-06-06"), schedule.CountedFrom);
        AssertInstalments(schedule, (5_600_000m, "2026-06-08")); // Saturday → Monday
        Assert.StartsWith("乌鲁木齐 item 11", schedule.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Karamay_counts_from_the_effective_date()
    {
        var contract = KaramayDue(8_000_000m, D("2026-05-15")) with { EffectiveOn = D("2026-06-06") };

        var lump = Valid(Compute("karamay", contract));
        Assert.Equal(D("2026-06-06"), lump.CountedFrom);
        AssertInstalments(lump, (8_000_000m, "2026-06-08")); // effective on a Saturday → Monday
        Assert.Equal("1 × (8,000,000.00 − 0.00) = 8,000,000.00", lump.Due.Explanation);

        // Two years from taking effect end on 2028-06-06; from signing they would end on 2028-05-15.
        var planned = contract.WithPlan((4_000_000m, "2026-06-08"), (4_000_000m, "2028-06-06")).WithConsent().WithTransfer();
        var schedule = Valid(Compute("karamay", planned));
        Assert.Equal(PlanKind.Requested, schedule.Plan);
        AssertInstalments(schedule, (4_000_000m, "2026-06-08"), (4_000_000m, "2028-06-06"));

        Broken(Compute("karamay", planned with { EffectiveOn = null }), "all-within", "$.requestedPlan[1].dueOn");
        Broken(Compute("karamay", contract.WithPlan((4_000_000m, "2026-06-05"), (4_000_000m, "2028-06-06")).WithConsent().WithTransfer()), "not-before-start", "$.requestedPlan[0].dueOn");
    }

    [Fact]
    public void Zhongwei_builds_its_fixed_schedule_20_50_rest()
    {
        // Signed Sunday 2027-01-31: 20 % that day → Monday 02-01; 50 % by 02-28 (Sunday) → 03-01; the rest by 2028-01-31 (Monday).
        var schedule = Valid(Compute("zhongwei", Difference("appraisal-difference-same-date", D("2027-01-31"), 15_000_000m, 5_000_000m)));

        Assert.Equal(PlanKind.Fixed, schedule.Plan);
        AssertInstalments(schedule, (2_000_000m, "2027-02-01"), (5_000_000m, "2027-03-01"), (3_000_000m, "2028-01-31"));
        Assert.StartsWith("中卫 section 4(3)", schedule.Source, StringComparison.Ordinal);
        Assert.Equal("中卫 section 4(1)", schedule.Due.Source);
    }

    [Fact]
    public void Zhongwei_moves_a_due_date_over_a_holiday_week()
    {
        // TEST DATA calendar: 2026-10-01..07 holidays, so the month from 2026-09-01 ends on Thursday 10-08.
        var computation = PaymentCalculator.Compute(Policy("zhongwei"), Difference("appraisal-difference-same-date", D("2026-09-01"), 1_000m), TestCalendars.MadeUpNationalDay2026);

        AssertInstalments(Valid(computation), (200m, "2026-09-01"), (500m, "2026-10-08"), (300m, "2027-09-01"));
    }

    [Fact]
    public void An_odd_fen_is_split_exactly()
    {
        // 1,000,000,001 fen × 20/50/30 % = 200,000,000.2 / 500,000,000.5 / 300,000,000.3: the left-over fen goes to the largest remainder.
        var schedule = Valid(Compute("zhongwei", Difference("appraisal-difference-same-date", D("2027-01-31"), 10_000_000.01m)));

        AssertInstalments(schedule, (2_000_000m, "2027-02-01"), (5_000_000.01m, "2027-03-01"), (3_000_000m, "2028-01-31"));
        Assert.Equal(Y(10_000_000.01m), Money.Sum(schedule.Instalments.Select(i => i.Amount)));
    }

    [Fact]
    public void Zhongwei_accepts_a_plan_that_meets_the_cumulative_minimums()
    {
        var contract = Difference("appraisal-difference-same-date", D("2027-01-31"), 10_000_000m)
            .WithPlan((2_000_000m, "2027-01-31"), (5_000_000m, "2027-02-26"), (1_000_000m, "2027-06-30"), (2_000_000m, "2028-01-31"));

        var schedule = Valid(Compute("zhongwei", contract));

        Assert.Equal(PlanKind.Requested, schedule.Plan);
        AssertInstalments(schedule, (2_000_000m, "2027-01-31"), (5_000_000m, "2027-02-26"), (1_000_000m, "2027-06-30"), (2_000_000m, "2028-01-31"));
    }

    [Fact]
    public void Zhongwei_refuses_a_plan_behind_the_fixed_schedule()
    {
        var contract = Difference("appraisal-difference-same-date", D("2027-01-31"), 10_000_000m)
            .WithPlan((1_000_000m, "2027-01-31"), (6_000_000m, "2027-02-15"), (3_000_000m, "2028-02-01"));

        var computation = Compute("zhongwei", contract);

        // 20 % (2,000,000.00) by 2027-02-01 is not met, the second instalment coming later; 70 % by 03-01 is met;
        // the last instalment is past the year.
        Assert.Equal([("fixed-schedule-share", "$.requestedPlan[1]"), ("all-within", "$.requestedPlan[2].dueOn")], RulesAndPaths(computation));
        Assert.All(computation.Violations, v => Assert.StartsWith("中卫 section 4(3)", v.Source, StringComparison.Ordinal));
        Assert.Contains("2,000,000.00", computation.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zhongwei_reads_the_50_percent_as_a_further_50_percent()
    {
        // 20 % on the day and 50 % of the total by the month's end is 70 % by then, not 50 %.
        var contract = Difference("appraisal-difference-same-date", D("2027-01-31"), 10_000_000m)
            .WithPlan((2_000_000m, "2027-01-31"), (5_000_000m, "2027-02-26"), (3_000_000m, "2027-06-30"));
        Valid(Compute("zhongwei", contract));

        var short70 = contract.WithPlan((2_000_000m, "2027-01-31"), (3_000_000m, "2027-02-26"), (5_000_000m, "2027-06-30"));
        var violation = Broken(Compute("zhongwei", short70), "fixed-schedule-share", "$.requestedPlan[2]");
        Assert.Contains("7,000,000.00", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zhongwei_points_at_the_whole_plan_when_no_instalment_comes_late()
    {
        var contract = Difference("appraisal-difference-same-date", D("2027-01-31"), 10_000_000m).WithPlan((1_000_000m, "2027-01-31"));

        Assert.Equal(
            [("sum-equals-amount-due", "$.requestedPlan"), ("fixed-schedule-share", "$.requestedPlan"), ("fixed-schedule-share", "$.requestedPlan")],
            RulesAndPaths(Compute("zhongwei", contract)));
    }

    [Fact]
    public void Jiamusi_prices_the_posted_price_and_leaves_instalments_to_the_contract()
    {
        var contract = Signed(D("2026-01-05")) with
        {
            PriceBasis = "posted-price",
            PostedPrice = new Appraisal(Y(3_000_000m), D("2025-01-01")),
        };

        var lump = Valid(Compute("jiamusi", contract));
        Assert.Equal("1 × 3,000,000.00 = 3,000,000.00", lump.Due.Explanation);
        AssertInstalments(lump, (3_000_000m, "2026-01-05"));

        // No first-payment share and no period: a 10 % first payment and five years are the contract's business.
        var schedule = Valid(Compute("jiamusi", contract.WithPlan((300_000m, "2026-01-05"), (2_700_000m, "2031-01-05"))));
        Assert.Equal(PlanKind.Requested, schedule.Plan);
        Assert.StartsWith("佳木斯 item 21", schedule.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_no_charge_case_pays_nothing_and_cites_its_article()
    {
        var schedule = Valid(Compute("karamay", NoCharge("industrial-far-increase")));

        Assert.Equal(new AmountDue(Money.Zero, "industrial-far-increase", true, schedule.Due.Explanation, "克拉玛依 art. 8(7)"), schedule.Due);
        Assert.StartsWith("不收取土地价款：", schedule.Due.Explanation, StringComparison.Ordinal);
        Assert.Contains("不改变用途", schedule.Due.Explanation, StringComparison.Ordinal);
        Assert.Equal(PlanKind.None, schedule.Plan);
        Assert.Empty(schedule.Instalments);
        Assert.Equal("克拉玛依 art. 8(7)", schedule.Source);
    }

    [Fact]
    public void A_default_plan_is_built_when_the_contract_fixes_none()
    {
        var policy = Policy("urumqi", rules => rules with
        {
            DefaultPlan = [new InstalmentTerm { Share = 0.5m, DueWithin = Period.OfDays(0) }, new InstalmentTerm { Rest = true, DueWithin = Period.OfYears(2) }],
        });

        var computation = PaymentCalculator.Compute(policy, Difference("appraisal-difference-70", D("2026-06-08"), 10_000_000.03m).WithTransfer(), HolidayCalendar.WeekendsOnly, landUse: "industrial");

        // 0.7 × 10,000,000.03 = 7,000,000.021 → 7,000,000.02, halved exactly.
        var schedule = Valid(computation);
        Assert.Equal(PlanKind.Default, schedule.Plan);
        AssertInstalments(schedule, (3_500_000.01m, "2026-06-08"), (3_500_000.01m, "2028-06-08"));
    }

    [Fact]
    public void Without_instalments_one_requested_payment_is_the_lump_sum_as_the_contract_dates_it()
    {
        var policy = Policy("urumqi", rules => rules with { Allowed = false });
        var contract = Difference("appraisal-difference-70", D("2026-06-08"), 10_000_000m);

        var schedule = Valid(PaymentCalculator.Compute(policy, contract.WithPlan((7_000_000m, "2026-06-30")), HolidayCalendar.WeekendsOnly, landUse: "industrial"));
        Assert.Equal(PlanKind.LumpSum, schedule.Plan);
        AssertInstalments(schedule, (7_000_000m, "2026-06-30"));

        var built = Valid(PaymentCalculator.Compute(policy, contract, HolidayCalendar.WeekendsOnly, landUse: "industrial"));
        Assert.Equal(PlanKind.LumpSum, built.Plan);
        AssertInstalments(built, (7_000_000m, "2026-06-08"));
    }

    [Theory]
    [InlineData(8_000_000, 4_000_000, true)]          // exactly 50 %
    [InlineData(8_000_000, 3_999_999.99, false)]      // a fen less
    [InlineData(1_000_000.01, 500_000.01, true)]      // 50 % is 500,000.005: the next fen up is enough
    [InlineData(1_000_000.01, 500_000.00, false)]     // half a fen short: compared exactly, not rounded
    public void The_first_payment_is_compared_exactly_with_half_the_amount_due(decimal dueYuan, decimal firstYuan, bool accepted)
    {
        var contract = KaramayDue(dueYuan, D("2026-06-08")).WithPlan((firstYuan, "2026-06-08"), (dueYuan - firstYuan, "2027-06-08")).WithConsent().WithTransfer();

        var computation = Compute("karamay", contract);

        if (accepted)
        {
            Valid(computation);
        }
        else
        {
            var violation = Broken(computation, "first-payment-at-least", "$.requestedPlan[0].amount");
            Assert.StartsWith("克拉玛依 art. 8(1)", violation.Source, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(300_000.01, true)]   // 0.3 × 1,000,000.01 = 300,000.003: the next fen up is enough
    [InlineData(300_000.00, false)]  // rounded, 300,000.003 would be 300,000.00 and pass; exactly, it is short
    public void A_first_payment_share_is_never_rounded_down(decimal firstYuan, bool accepted)
    {
        var policy = Policy("karamay", rules => rules with { FirstPaymentAtLeast = 0.3m });
        var contract = KaramayDue(1_000_000.01m, D("2026-06-08")).WithPlan((firstYuan, "2026-06-08"), (1_000_000.01m - firstYuan, "2027-06-08")).WithConsent().WithTransfer();

        Assert.Equal(accepted, PaymentCalculator.Compute(policy, contract, HolidayCalendar.WeekendsOnly, landUse: "industrial").IsValid);
    }
}
