using System.Globalization;
using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
using LandRedevelopment.Payments;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Shared.Tests.Payments;

internal static class PaymentTestKit
{
    public static PolicyDocument Policy(string tenant) => SeedPolicies.Get(tenant).Policy;

    /// <summary>A seed policy with its instalment rules changed, for rules no seed city has.</summary>
    public static PolicyDocument Policy(string tenant, Func<InstalmentRules, InstalmentRules> change)
    {
        var policy = Policy(tenant);
        return policy with { Instalments = change(policy.Instalments) };
    }

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static Money Y(decimal yuan) => Money.FromYuan(yuan);

    /// <summary>A contract signed on <paramref name="signed"/>, with no price terms yet.</summary>
    public static ContractTerms Signed(DateOnly signed) => new() { ContractId = "c-1", Version = 1, SignedOn = signed };

    /// <summary>A contract priced on the appraisal difference (new − original), both valued on the signing day.</summary>
    public static ContractTerms Difference(string basis, DateOnly signed, decimal newYuan, decimal originalYuan = 0m) => Signed(signed) with
    {
        PriceBasis = basis,
        NewConditions = new Appraisal(Y(newYuan), signed),
        OriginalConditions = new Appraisal(Y(originalYuan), signed),
    };

    /// <summary>A contract claiming a no-charge case, signed on Monday 2026-06-08.</summary>
    public static ContractTerms NoCharge(string caseId, string? from = "industrial", string? to = "industrial") => Signed(D("2026-06-08")) with
    {
        NoChargeCase = caseId,
        ChangeOfUseFrom = from,
        ChangeOfUseTo = to,
    };

    /// <summary>Karamay's only basis is the full difference, so the amount due is exactly <paramref name="dueYuan"/>.</summary>
    public static ContractTerms KaramayDue(decimal dueYuan, DateOnly signed) => Difference("appraisal-difference", signed, dueYuan);

    public static ContractTerms WithPlan(this ContractTerms contract, params (decimal Yuan, string DueOn)[] plan) =>
        contract with { RequestedPlan = plan.Select(p => new RequestedInstalment(Y(p.Yuan), D(p.DueOn))).ToList() };

    /// <summary>The contract with the consent to pay in instalments Karamay asks (克拉玛依 art. 8(1)), given on the signing day unless <paramref name="givenOn"/> says otherwise.</summary>
    public static ContractTerms WithConsent(this ContractTerms contract, string by = "city-government", string? givenOn = null) =>
        contract with { InstalmentConsent = new InstalmentConsent(by, "克政函〔2026〕12号", givenOn is null ? contract.SignedOn : D(givenOn)) };

    /// <summary>The contract stating its kind of transfer: by default the one Karamay and Urumqi let pay in instalments (过渡期满协议出让).</summary>
    public static ContractTerms WithTransfer(this ContractTerms contract, string kind = "agreement-transfer-after-transition") =>
        contract with { Transfer = kind };

    /// <summary>
    /// A Karamay contract due 8,000,000.00, signed Friday 2026-05-15, in effect Monday 2026-06-08, paying half now and half
    /// within the two years, as the agreement transfer at the end of the transition period; without the consent it needs.
    /// </summary>
    public static ContractTerms KaramayTwoInstalments() => (KaramayDue(8_000_000m, D("2026-05-15")) with { EffectiveOn = D("2026-06-08") })
        .WithPlan((4_000_000m, "2026-06-08"), (4_000_000m, "2028-06-08")).WithTransfer();

    /// <summary>The computation for a case on industrial land (the land use where the contract states no change of use).</summary>
    public static PaymentComputation Compute(string tenant, ContractTerms contract) =>
        PaymentCalculator.Compute(Policy(tenant), contract, HolidayCalendar.WeekendsOnly, landUse: "industrial");

    /// <summary>The computation knowing no land use but what the contract states.</summary>
    public static PaymentComputation ComputeWithoutLandUse(string tenant, ContractTerms contract) =>
        PaymentCalculator.Compute(Policy(tenant), contract, HolidayCalendar.WeekendsOnly);

    public static PaymentSchedule Valid(PaymentComputation computation)
    {
        Assert.Empty(computation.Violations);
        Assert.True(computation.IsValid);
        return computation.Schedule!;
    }

    public static void AssertInstalments(PaymentSchedule schedule, params (decimal Yuan, string DueOn)[] expected) =>
        Assert.Equal(
            expected.Select((e, i) => new Instalment(i + 1, Y(e.Yuan), D(e.DueOn))),
            schedule.Instalments);

    /// <summary>The violations as (rule, path) pairs, in the order reported.</summary>
    public static (string Rule, string Path)[] RulesAndPaths(PaymentComputation computation) =>
        computation.Violations.Select(v => (v.Rule, v.Path)).ToArray();

    public static PaymentViolation Broken(PaymentComputation computation, string rule, string path)
    {
        Assert.False(computation.IsValid);
        Assert.Null(computation.Schedule);
        return Assert.Single(computation.Violations, v => v.Rule == rule && v.Path == path);
    }
}
