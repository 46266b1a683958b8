using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
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
        var violation = Broken(Compute(tenant, NoCharge(caseId, to: "commercial-services")), "no-charge-needs-same-use", "$.changeOfUse.to");

        Assert.Equal(article, violation.Source);
    }

    [Fact]
    public void Other_no_charge_cases_do_not_depend_on_the_use()
    {
        var schedule = Valid(Compute("urumqi", NoCharge("non-profit-elderly-care", to: "public-administration-service")));

        Assert.Equal("乌鲁木齐 item 18", schedule.Source);
        Valid(ComputeWithoutLandUse("urumqi", NoCharge("non-profit-elderly-care", from: null, to: null)));
    }

    [Theory]
    [InlineData("karamay", "industrial-far-increase", "industrial", true)]
    [InlineData("karamay", "industrial-far-increase", "mining-warehousing", false)]
    [InlineData("karamay", "industrial-far-increase", "commercial-services", false)]
    [InlineData("urumqi", "industrial-far-increase", "industrial", true)]
    [InlineData("urumqi", "industrial-far-increase", "logistics-warehousing", true)]
    [InlineData("urumqi", "industrial-far-increase", "agricultural-wholesale-market", true)]
    [InlineData("urumqi", "industrial-far-increase", "commercial-services", false)]
    [InlineData("jiamusi", "industrial-zero-new-land", "industrial", true)]
    [InlineData("jiamusi", "industrial-zero-new-land", "logistics-warehousing", false)]
    public void A_no_charge_case_for_industrial_land_is_refused_for_other_land(string tenant, string caseId, string use, bool free)
    {
        // 克拉玛依 art. 8(7) 原依法取得的工业用地; 乌鲁木齐 item 10(2) 工业用地、仓储用地、农产品批发市场; 佳木斯 item 17 自有工业用地.
        var stated = Compute(tenant, NoCharge(caseId, from: use, to: use));
        var fromCase = PaymentCalculator.Compute(Policy(tenant), NoCharge(caseId, from: null, to: null), HolidayCalendar.WeekendsOnly, landUse: use);

        if (free)
        {
            Assert.Equal(Money.Zero, Valid(stated).Due.Amount);
            Assert.Equal(Money.Zero, Valid(fromCase).Due.Amount);
        }
        else
        {
            var violation = Broken(stated, "no-charge-use-not-covered", "$.changeOfUse.from");
            Assert.Equal(Policy(tenant).LandPrice.NoCharge.Single(c => c.Id == caseId).Source, violation.Source);
            Assert.Contains(use, violation.Message, StringComparison.Ordinal);
            Broken(fromCase, "no-charge-use-not-covered", "$.changeOfUse");
        }
    }

    [Fact]
    public void A_no_charge_case_for_some_land_needs_to_know_the_land_use()
    {
        var violation = Broken(ComputeWithoutLandUse("karamay", NoCharge("industrial-far-increase", from: null, to: null)), "no-charge-needs-use", "$.changeOfUse");

        Assert.Contains("工业用地", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urumqi", "new-conditions-70")]
    [InlineData("urumqi", "appraisal-difference-70")]
    [InlineData("karamay", "appraisal-difference")]
    public void A_price_basis_closed_to_commercial_housing_refuses_it(string tenant, string basis)
    {
        // 乌鲁木齐 item 8 and 克拉玛依 art. 8(7): 按照规划用途（商品住宅除外）.
        var contract = Difference(basis, D("2026-06-08"), 1_000m) with { ChangeOfUseFrom = "industrial", ChangeOfUseTo = "commercial-housing" };

        var violation = Broken(ComputeWithoutLandUse(tenant, contract), "price-basis-excludes-use", "$.changeOfUse.to");

        Assert.Equal(Policy(tenant).LandPrice.Bases.Single(b => b.Id == basis).Source, violation.Source);
        Assert.Contains("商品住宅用地 (commercial-housing)", violation.Message, StringComparison.Ordinal);
        Valid(Compute(tenant, contract with { ChangeOfUseTo = "commercial-services" }));
        Broken(PaymentCalculator.Compute(Policy(tenant), contract with { ChangeOfUseFrom = null, ChangeOfUseTo = null }, HolidayCalendar.WeekendsOnly, landUse: "commercial-housing"),
            "price-basis-excludes-use", "$.changeOfUse");
        Valid(PaymentCalculator.Compute(Policy(tenant), contract with { ChangeOfUseFrom = null, ChangeOfUseTo = null }, HolidayCalendar.WeekendsOnly, landUse: "industrial"));
        Broken(ComputeWithoutLandUse(tenant, contract with { ChangeOfUseFrom = null, ChangeOfUseTo = null }), "price-basis-needs-use", "$.changeOfUse");
    }

    [Fact]
    public void A_price_basis_open_to_every_use_needs_no_land_use()
    {
        Valid(ComputeWithoutLandUse("zhongwei", Difference("appraisal-difference-same-date", D("2026-06-08"), 1_000m)));
    }

    [Fact]
    public void A_land_use_the_contract_states_must_be_one_of_the_policy()
    {
        var contract = Difference("appraisal-difference-70", D("2026-06-08"), 1_000m) with { ChangeOfUseFrom = "工业", ChangeOfUseTo = "商品住宅" };

        var computed = Compute("urumqi", contract);

        Assert.Equal([("land-use-unknown", "$.changeOfUse.from"), ("land-use-unknown", "$.changeOfUse.to")], RulesAndPaths(computed));
        Assert.Contains("commercial-housing", computed.Violations[0].Message, StringComparison.Ordinal);
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
        var contract = Difference("new-conditions-70", D("2026-06-08"), 10_000_000m).WithTransfer().WithPlan(
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
        var contract = Difference("market-90", D("2026-06-08"), 1_000m).WithTransfer().WithPlan((600m, "2026-06-08"), (-1m, "2026-06-01"), (400m, "2030-01-01"));

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
        var contract = (KaramayDue(1_000m, D("2026-05-15")) with { EffectiveOn = D("2026-05-20") }).WithConsent().WithTransfer();

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
