using LandRedevelopment.Calendars;
using LandRedevelopment.Payments;
using static LandRedevelopment.Shared.Tests.Payments.PaymentTestKit;

namespace LandRedevelopment.Shared.Tests.Payments;

/// <summary>
/// 克拉玛依 art. 8(1): 过渡期满办理土地使用权协议出让时，土地使用权人无法一次性补缴土地出让价款的 … — only the transfers the policy
/// names (<c>instalments.onlyFor</c>) may pay in instalments, and a contract recorded before a rule came in is computed as it was.
/// </summary>
public class TransferTests
{
    // With the city government's consent, but stating no kind of transfer.
    private static readonly ContractTerms TwoInstalments = (KaramayTwoInstalments() with { Transfer = null }).WithConsent();

    [Fact]
    public void Karamay_instalments_are_for_the_agreement_transfer_at_the_end_of_the_transition_period_only()
    {
        var violation = Broken(Compute("karamay", TwoInstalments), "instalments-only-for", "$.transfer");

        Assert.StartsWith("克拉玛依 art. 8(1)", violation.Source, StringComparison.Ordinal);
        Assert.Contains("agreement-transfer-after-transition", violation.Message, StringComparison.Ordinal);
        Assert.Contains("2 instalments", violation.Message, StringComparison.Ordinal);
        Assert.Equal(PlanKind.Requested, Valid(Compute("karamay", TwoInstalments.WithTransfer())).Plan);
    }

    [Fact]
    public void A_contract_of_another_kind_pays_at_once_without_stating_its_kind()
    {
        // A change of use (art. 8(7)) pays its supplementary price at once.
        var changeOfUse = TwoInstalments with { RequestedPlan = null, InstalmentConsent = null, ChangeOfUseFrom = "industrial", ChangeOfUseTo = "commercial-services" };

        Assert.Equal(PlanKind.LumpSum, Valid(Compute("karamay", changeOfUse)).Plan);
        Assert.Equal(PlanKind.Requested, Valid(Compute("karamay", changeOfUse.WithPlan((8_000_000m, "2026-06-30")))).Plan);
        Assert.Equal(PlanKind.LumpSum, Valid(Compute("karamay", changeOfUse.WithTransfer())).Plan);
    }

    [Fact]
    public void A_kind_the_policy_does_not_name_is_refused_even_paying_at_once()
    {
        var violation = Broken(Compute("karamay", TwoInstalments.WithTransfer("change-of-use")), "transfer-unknown", "$.transfer");
        Assert.Contains("'change-of-use'", violation.Message, StringComparison.Ordinal);
        Assert.Contains("agreement-transfer-after-transition", violation.Message, StringComparison.Ordinal);

        Broken(Compute("karamay", (TwoInstalments with { RequestedPlan = null }).WithTransfer("change-of-use")), "transfer-unknown", "$.transfer");
        // Ids are compared exactly, as the consent's by is.
        Broken(Compute("karamay", TwoInstalments.WithTransfer("Agreement-Transfer-After-Transition")), "transfer-unknown", "$.transfer");
    }

    [Theory]
    [InlineData("agreement-transfer-after-transition")]
    [InlineData("agreement-transfer-on-conveyance")]
    public void Urumqi_lets_both_agreement_transfers_of_item_11_pay_in_instalments(string kind)
    {
        // Due 700 (70 % of 1,000): half now, the rest within the year.
        var contract = Difference("new-conditions-70", D("2026-06-08"), 1_000m).WithPlan((350m, "2026-06-08"), (350m, "2027-06-08"));

        Assert.Equal(PlanKind.Requested, Valid(Compute("urumqi", contract.WithTransfer(kind))).Plan);
        var violation = Broken(Compute("urumqi", contract), "instalments-only-for", "$.transfer");
        Assert.StartsWith("乌鲁木齐 item 11", violation.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zhongwei", "appraisal-difference-same-date")]
    [InlineData("jiamusi", "appraisal-difference")]
    public void A_policy_naming_no_kinds_lets_any_contract_pay_in_instalments_and_refuses_a_kind(string tenant, string basis)
    {
        var contract = Difference(basis, D("2026-06-08"), 1_000m);
        Assert.Null(Policy(tenant).Instalments.OnlyFor);

        Assert.True(Valid(Compute(tenant, contract)).Instalments.Count >= 1);
        Assert.True(Valid(Compute(tenant, contract.WithPlan((500m, "2026-06-08"), (500m, "2026-07-08")))).Instalments.Count == 2);
        var violation = Broken(Compute(tenant, contract.WithTransfer()), "transfer-not-asked", "$.transfer");
        Assert.Equal(Policy(tenant).Instalments.Source, violation.Source);
    }

    [Fact]
    public void The_recording_check_names_the_consent_and_the_transfer_alone()
    {
        // A first payment under half, no consent, no kind: the schedule breaks all three, the recording check names two.
        var contract = (TwoInstalments with { InstalmentConsent = null }).WithPlan((3_000_000m, "2026-06-08"), (5_000_000m, "2028-06-08"));

        Assert.Equal(
            [("first-payment-at-least", "$.requestedPlan[0].amount"), ("instalment-consent-required", "$.instalmentConsent"), ("instalments-only-for", "$.transfer")],
            RulesAndPaths(Compute("karamay", contract)));
        var broken = PaymentCalculator.CheckRecordingRules(Policy("karamay"), contract, HolidayCalendar.WeekendsOnly, landUse: "industrial");
        Assert.Equal([("instalment-consent-required", "$.instalmentConsent"), ("instalments-only-for", "$.transfer")], broken.Select(v => (v.Rule, v.Path)));
    }

    [Fact]
    public void A_contract_recorded_before_the_rules_is_computed_as_it_was_and_shows_what_it_does_not_meet()
    {
        // Recorded before the consent and transfer rules: two instalments, neither a consent nor a kind.
        var legacy = TwoInstalments with { InstalmentConsent = null };

        var computation = PaymentCalculator.Compute(Policy("karamay"), legacy, HolidayCalendar.WeekendsOnly, "industrial", RecordingRules.All);

        AssertInstalments(Valid(computation), (4_000_000m, "2026-06-08"), (4_000_000m, "2028-06-08"));
        Assert.Equal(
            [("instalment-consent-required", "$.instalmentConsent"), ("instalments-only-for", "$.transfer")],
            computation.RecordedBeforeRules.Select(v => (v.Rule, v.Path)));
        Assert.All(computation.RecordedBeforeRules, v => Assert.StartsWith("克拉玛依 art. 8(1)", v.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void A_contract_recorded_after_the_consent_rule_but_before_the_transfer_rule_is_held_to_the_consent_only()
    {
        var recordedBefore = new[] { RecordingRules.InstalmentTransfer };
        var withConsent = PaymentCalculator.Compute(Policy("karamay"), TwoInstalments, HolidayCalendar.WeekendsOnly, "industrial", recordedBefore);
        Valid(withConsent);
        Assert.Equal(["instalments-only-for"], withConsent.RecordedBeforeRules.Select(v => v.Rule));

        var withoutConsent = PaymentCalculator.Compute(Policy("karamay"), TwoInstalments with { InstalmentConsent = null }, HolidayCalendar.WeekendsOnly, "industrial", recordedBefore);
        Broken(withoutConsent, "instalment-consent-required", "$.instalmentConsent");
    }

    [Fact]
    public void The_other_rules_still_hold_for_a_contract_recorded_before_the_rules()
    {
        // Half is not reached: rejected as it would have been when it was recorded.
        var legacy = (TwoInstalments with { InstalmentConsent = null }).WithPlan((3_000_000m, "2026-06-08"), (5_000_000m, "2028-06-08"));

        var computation = PaymentCalculator.Compute(Policy("karamay"), legacy, HolidayCalendar.WeekendsOnly, "industrial", RecordingRules.All);

        Assert.Equal([("first-payment-at-least", "$.requestedPlan[0].amount")], RulesAndPaths(computation));
        Assert.Equal(2, computation.RecordedBeforeRules.Count);
    }

    [Fact]
    public void A_contract_recorded_under_the_rules_shows_nothing_recorded_before_them()
    {
        var computation = Compute("karamay", TwoInstalments.WithTransfer());

        Valid(computation);
        Assert.Empty(computation.RecordedBeforeRules);
    }
}
