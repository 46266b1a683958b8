using LandRedevelopment.Calendars;
using LandRedevelopment.Payments;
using LandRedevelopment.Policies;
using static LandRedevelopment.Shared.Tests.Payments.PaymentTestKit;

namespace LandRedevelopment.Shared.Tests.Payments;

/// <summary>克拉玛依 art. 8(1): 无法一次性补缴的，报市人民政府同意后 … — instalments need the consent the policy names (<c>consentOf</c>).</summary>
public class ConsentTests
{
    private static readonly ContractTerms TwoInstalments = KaramayTwoInstalments();

    [Fact]
    public void Karamay_instalments_need_the_city_governments_consent()
    {
        var violation = Broken(Compute("karamay", TwoInstalments), "instalment-consent-required", "$.instalmentConsent");

        Assert.Equal(Policy("karamay").Instalments.Source, violation.Source);
        Assert.StartsWith("克拉玛依 art. 8(1)", violation.Source, StringComparison.Ordinal);
        Assert.Contains("city-government", violation.Message, StringComparison.Ordinal);
        Assert.Contains("2 instalments", violation.Message, StringComparison.Ordinal);
        Assert.Equal(PlanKind.Requested, Valid(Compute("karamay", TwoInstalments.WithConsent())).Plan);
    }

    [Fact]
    public void Paying_at_once_needs_no_consent()
    {
        var unplanned = TwoInstalments with { RequestedPlan = null };

        Assert.Equal(PlanKind.LumpSum, Valid(Compute("karamay", unplanned)).Plan);
        Assert.Equal(PlanKind.Requested, Valid(Compute("karamay", unplanned.WithPlan((8_000_000m, "2026-06-30")))).Plan);
        Assert.Equal(PlanKind.None, Valid(Compute("karamay", NoCharge("industrial-far-increase"))).Plan);
        // A consent the land user holds anyway is checked and kept all the same.
        Valid(Compute("karamay", unplanned.WithConsent()));
        Broken(Compute("karamay", unplanned.WithConsent(by: "district-government")), "instalment-consent-by", "$.instalmentConsent.by");
    }

    [Fact]
    public void A_consent_by_anyone_but_the_one_the_policy_names_is_refused()
    {
        var violation = Broken(Compute("karamay", TwoInstalments.WithConsent(by: "district-government")), "instalment-consent-by", "$.instalmentConsent.by");

        Assert.StartsWith("克拉玛依 art. 8(1)", violation.Source, StringComparison.Ordinal);
        Assert.Contains("'district-government'", violation.Message, StringComparison.Ordinal);
        Assert.Contains("'city-government'", violation.Message, StringComparison.Ordinal);
        Broken(Compute("karamay", TwoInstalments.WithConsent(by: "City-Government")), "instalment-consent-by", "$.instalmentConsent.by");
    }

    [Fact]
    public void The_consent_comes_before_the_contract_is_signed()
    {
        Valid(Compute("karamay", TwoInstalments.WithConsent(givenOn: "2026-04-30")));
        Valid(Compute("karamay", TwoInstalments.WithConsent(givenOn: "2026-05-15")));

        // After signing, even before the contract takes effect on 2026-06-08.
        var violation = Broken(Compute("karamay", TwoInstalments.WithConsent(givenOn: "2026-05-16")), "instalment-consent-before-contract", "$.instalmentConsent.givenOn");
        Assert.StartsWith("克拉玛依 art. 8(1)", violation.Source, StringComparison.Ordinal);
        Assert.Contains("2026-05-16", violation.Message, StringComparison.Ordinal);
        Assert.Contains("2026-05-15", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urumqi", "new-conditions-70")]
    [InlineData("jiamusi", "appraisal-difference")]
    public void A_policy_without_consent_asks_none_and_refuses_one_it_could_not_check(string tenant, string basis)
    {
        // Due 700 (urumqi: 70 % of 1,000) or 1,000 (jiamusi): half now, the rest within the year.
        var due = tenant == "urumqi" ? 700m : 1_000m;
        var planned = Difference(basis, D("2026-06-08"), 1_000m).WithPlan((due / 2, "2026-06-08"), (due / 2, "2027-06-08"));
        var contract = tenant == "urumqi" ? planned.WithTransfer() : planned; // Urumqi lets only item 11's transfers pay in instalments
        Assert.Null(Policy(tenant).Instalments.ConsentOf);

        Assert.Equal(PlanKind.Requested, Valid(Compute(tenant, contract)).Plan);
        var violation = Broken(Compute(tenant, contract.WithConsent()), "instalment-consent-not-asked", "$.instalmentConsent");
        Assert.Equal(Policy(tenant).Instalments.Source, violation.Source);
    }

    [Fact]
    public void A_schedule_the_policy_builds_in_instalments_needs_the_consent_too()
    {
        var policy = Policy("karamay", rules => rules with
        {
            DefaultPlan = [new InstalmentTerm { Share = 0.5m, DueWithin = Period.OfDays(0) }, new InstalmentTerm { Rest = true, DueWithin = Period.OfYears(2) }],
        });
        var unplanned = TwoInstalments with { RequestedPlan = null };

        var computation = PaymentCalculator.Compute(policy, unplanned, HolidayCalendar.WeekendsOnly, landUse: "industrial");

        Broken(computation, "instalment-consent-required", "$.instalmentConsent");
        Assert.Equal(PlanKind.Default, Valid(PaymentCalculator.Compute(policy, unplanned.WithConsent(), HolidayCalendar.WeekendsOnly, landUse: "industrial")).Plan);
    }

    [Fact]
    public void The_consent_check_reports_the_consent_rules_alone()
    {
        // A first payment under half, and no consent: the schedule breaks both, the consent check names only its own.
        var contract = TwoInstalments.WithPlan((3_000_000m, "2026-06-08"), (5_000_000m, "2028-06-08"));

        Assert.Equal(
            [("first-payment-at-least", "$.requestedPlan[0].amount"), ("instalment-consent-required", "$.instalmentConsent")],
            RulesAndPaths(Compute("karamay", contract)));
        var consent = PaymentCalculator.CheckRecordingRules(Policy("karamay"), contract, HolidayCalendar.WeekendsOnly, landUse: "industrial");
        Assert.Equal([("instalment-consent-required", "$.instalmentConsent")], consent.Select(v => (v.Rule, v.Path)));
        Assert.Empty(PaymentCalculator.CheckRecordingRules(Policy("karamay"), contract.WithConsent(), HolidayCalendar.WeekendsOnly, landUse: "industrial"));
    }
}
