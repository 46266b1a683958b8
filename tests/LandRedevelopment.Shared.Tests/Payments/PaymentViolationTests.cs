using LandRedevelopment.Calendars;
using LandRedevelopment.Payments;
using static LandRedevelopment.Shared.Tests.Payments.PaymentTestKit;

namespace LandRedevelopment.Shared.Tests.Payments;

public class PaymentViolationTests
{
    [Fact]
    public void An_unknown_no_charge_case_is_refused()
    {
        var violation = Broken(Compute("karamay", NoCharge("elderly-care")), "no-charge-case-unknown", "$.noChargeCase");

        Assert.Equal(Policy("karamay").LandPrice.Bases[0].Source, violation.Source);
        Assert.Contains("industrial-far-increase", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("karamay", "industrial-far-increase", "克拉玛依 art. 8(7)")]
    [InlineData("jiamusi", "industrial-zero-new-land", "佳木斯 item 17")]
    public void A_far_increase_or_zero_new_land_case_needs_the_same_use(string tenant, string caseId, string article)
    {
        var violation = Broken(Compute(tenant, NoCharge(caseId, to: "commercial")), "no-charge-needs-same-use", "$.changeOfUseTo");

        Assert.Equal(article, violation.Source);
        Assert.Single(Compute(tenant, NoCharge(caseId, from: null, to: "commercial")).Violations);
    }

    [Fact]
    public void Other_no_charge_cases_do_not_depend_on_the_use()
    {
        var schedule = Valid(Compute("urumqi", NoCharge("non-profit-elderly-care", to: "public-administration")));

        Assert.Equal("乌鲁木齐 item 18", schedule.Source);
    }

    [Fact]
    public void A_no_charge_contract_may_fix_no_payments()
    {
        Broken(Compute("karamay", NoCharge("industrial-far-increase").WithPlan((100m, "2026-06-08"))), "sum-equals-amount-due", "$.requestedPlan");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("market-90")]
    public void A_price_basis_must_be_one_of_the_policy(string? basis)
    {
        var contract = Difference("appraisal-difference-70", D("2026-06-08"), 1_000m) with { PriceBasis = basis };

        var (due, violations) = PaymentCalculator.ComputeAmountDue(Policy("urumqi"), contract);

        Assert.Null(due);
        var violation = Assert.Single(violations);
        Assert.Equal(("price-basis-unknown", "$.priceBasis", "乌鲁木齐 items 8, 11"), (violation.Rule, violation.Path, violation.Source));
    }

    [Fact]
    public void Every_missing_appraisal_is_reported()
    {
        var contract = Difference("appraisal-difference-70", D("2026-06-08"), 1_000m) with { NewConditions = null, OriginalConditions = null };

        Assert.Equal(
            [("appraisal-missing", "$.appraisals.newConditions"), ("appraisal-missing", "$.appraisals.originalConditions")],
            RulesAndPaths(Compute("urumqi", contract)));
        Broken(Compute("jiamusi", contract with { PriceBasis = "posted-price" }), "appraisal-missing", "$.appraisals.postedPrice");
    }

    [Fact]
    public void A_negative_appraisal_is_refused()
    {
        var contract = Difference("new-conditions-70", D("2026-06-08"), 1_000m) with { NewConditions = new Appraisal(Y(-1m), D("2026-06-08")) };

        Broken(Compute("urumqi", contract), "appraisal-negative", "$.appraisals.newConditions.amount");
    }

    [Fact]
    public void A_negative_appraisal_difference_is_refused()
    {
        var violation = Broken(Compute("urumqi", Difference("appraisal-difference-70", D("2026-06-08"), 4_000_000m, 4_000_000.01m)),
            "appraisal-difference-negative", "$.appraisals.newConditions.amount");

        Assert.Equal("乌鲁木齐 items 8, 11", violation.Source);
        Valid(Compute("urumqi", Difference("appraisal-difference-70", D("2026-06-08"), 4_000_000m, 3_999_999.99m)));
    }

    [Fact]
    public void Zhongwei_needs_both_appraisals_at_the_same_valuation_date()
    {
        var contract = Difference("appraisal-difference-same-date", D("2027-01-31"), 10_000_000m);

        var violation = Broken(Compute("zhongwei", contract with { OriginalConditions = new Appraisal(Y(0m), D("2026-12-31")) }),
            "same-valuation-date", "$.appraisals.originalConditions.valuationDate");

        Assert.Equal("中卫 section 4(1)", violation.Source);
        // Karamay's difference basis sets no such rule.
        Valid(Compute("karamay", KaramayDue(10_000_000m, D("2027-01-31")) with { OriginalConditions = new Appraisal(Y(0m), D("2026-12-31")) }));
    }

    [Fact]
    public void Instalments_are_refused_where_the_policy_allows_none()
    {
        var policy = Policy("urumqi", rules => rules with { Allowed = false });
        var contract = Difference("appraisal-difference-70", D("2026-06-08"), 10_000_000m).WithPlan((3_500_000m, "2026-06-08"), (3_500_000m, "2027-06-08"));

        var computation = PaymentCalculator.Compute(policy, contract, HolidayCalendar.WeekendsOnly);

        Broken(computation, "instalments-not-allowed", "$.requestedPlan");
    }

    [Fact]
    public void Every_broken_plan_rule_is_reported_together()
    {
        // Due 7,000,000.00 from Monday 2026-06-08; two years end on Thursday 2028-06-08.
        var contract = Difference("new-conditions-70", D("2026-06-08"), 10_000_000m).WithPlan(
            (1_000_000m, "2026-06-01"),
            (0m, "2026-07-01"),
            (2_000_000m, "2026-06-30"), // a day before the one before it
            (3_000_000m, "2028-06-09"));

        var computation = Compute("urumqi", contract);

        Assert.Null(computation.Schedule);
        Assert.Equal(
            [
                ("not-before-start", "$.requestedPlan[0].dueOn"),
                ("amount-positive", "$.requestedPlan[1].amount"),
                ("in-order", "$.requestedPlan[2].dueOn"),
                ("sum-equals-amount-due", "$.requestedPlan"),
                ("first-payment-at-least", "$.requestedPlan[0].amount"),
                ("all-within", "$.requestedPlan[3].dueOn"),
            ],
            RulesAndPaths(computation));
        Assert.All(computation.Violations, v => Assert.Equal(Policy("urumqi").Instalments.Source, v.Source));
    }

    [Fact]
    public void Price_and_plan_violations_are_reported_together()
    {
        var contract = Difference("market-90", D("2026-06-08"), 1_000m).WithPlan((600m, "2026-06-08"), (-1m, "2026-06-01"), (400m, "2030-01-01"));

        Assert.Equal(
            [
                ("price-basis-unknown", "$.priceBasis"),
                ("amount-positive", "$.requestedPlan[1].amount"),
                ("not-before-start", "$.requestedPlan[1].dueOn"),
                ("in-order", "$.requestedPlan[1].dueOn"),
                ("all-within", "$.requestedPlan[2].dueOn"),
            ],
            RulesAndPaths(Compute("urumqi", contract)));
    }

    [Fact]
    public void The_limit_moves_over_a_weekend()
    {
        // Karamay: two years from taking effect on Wednesday 2026-05-20 end on Saturday 2028-05-20 → Monday 2028-05-22.
        var contract = KaramayDue(1_000m, D("2026-05-15")) with { EffectiveOn = D("2026-05-20") };

        Valid(Compute("karamay", contract.WithPlan((500m, "2026-05-20"), (500m, "2028-05-22"))));
        var violation = Broken(Compute("karamay", contract.WithPlan((500m, "2026-05-20"), (500m, "2028-05-23"))), "all-within", "$.requestedPlan[1].dueOn");
        Assert.Contains("2028-05-22", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_start_at_the_end_of_the_calendar_is_a_violation_not_an_exception()
    {
        var contract = Difference("appraisal-difference-same-date", D("9999-06-01"), 1_000m);

        var violation = Broken(Compute("zhongwei", contract), "start-out-of-range", "$.signedOn");

        Assert.StartsWith("中卫 section 4(3)", violation.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_null_arguments_throw()
    {
        var policy = Policy("urumqi");
        var contract = Difference("new-conditions-70", D("2026-06-08"), 1_000m);

        Assert.Throws<ArgumentNullException>(() => PaymentCalculator.Compute(null!, contract, HolidayCalendar.WeekendsOnly));
        Assert.Throws<ArgumentNullException>(() => PaymentCalculator.Compute(policy, null!, HolidayCalendar.WeekendsOnly));
        Assert.Throws<ArgumentNullException>(() => PaymentCalculator.Compute(policy, contract, null!));
        Assert.Throws<ArgumentNullException>(() => PaymentCalculator.ComputeAmountDue(null!, contract));
    }
}
