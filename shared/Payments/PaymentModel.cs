using LandRedevelopment.Finance;

namespace LandRedevelopment.Payments;

/// <summary>A land-price appraisal (or a posted land price): the amount and the date it values the land at.</summary>
/// <param name="Amount">The appraised price, in yuan to the fen.</param>
/// <param name="ValuationDate">The valuation date (估价基准日).</param>
public sealed record Appraisal(Money Amount, DateOnly ValuationDate);

/// <summary>One payment a contract fixes: its amount and the date it is due.</summary>
/// <param name="Amount">The amount, in yuan to the fen.</param>
/// <param name="DueOn">The last day to pay it, as the contract writes it (taken as given, not moved over rest days).</param>
public sealed record RequestedInstalment(Money Amount, DateOnly DueOn);

/// <summary>
/// The consent a policy asks before the land price may be paid in instalments (<see cref="Policies.InstalmentRules.ConsentOf"/>),
/// e.g. 克拉玛依 art. 8(1): 无法一次性补缴的，报市人民政府同意后.
/// </summary>
/// <param name="By">Who consented: the policy's <see cref="Policies.InstalmentRules.ConsentOf"/>, e.g. <c>city-government</c>.</param>
/// <param name="Reference">The consent's reference (document number), 1–100 characters, e.g. 克政函〔2026〕12号.</param>
/// <param name="GivenOn">The day the consent was given: at the latest the day the contract was signed.</param>
public sealed record InstalmentConsent(string By, string Reference, DateOnly GivenOn);

/// <summary>
/// The payment terms of a land transfer contract (出让合同) or supplementary agreement (补充协议): what the land
/// price is computed from and, where the land user pays in instalments, the plan the contract fixes.
/// </summary>
public sealed record ContractTerms
{
    /// <summary>The contract's id.</summary>
    public required string ContractId { get; init; }

    /// <summary>The version of these terms (a supplementary agreement makes a new version).</summary>
    public required int Version { get; init; }

    /// <summary>The day the contract was signed.</summary>
    public required DateOnly SignedOn { get; init; }

    /// <summary>The day the contract took effect, where it differs from <see cref="SignedOn"/>.</summary>
    public DateOnly? EffectiveOn { get; init; }

    /// <summary>The policy's price basis the price is computed on (a <see cref="Policies.PriceBasis"/> id); null only with <see cref="NoChargeCase"/>.</summary>
    public string? PriceBasis { get; init; }

    /// <summary>The appraisal under the new land-use conditions.</summary>
    public Appraisal? NewConditions { get; init; }

    /// <summary>The appraisal under the original land-use conditions.</summary>
    public Appraisal? OriginalConditions { get; init; }

    /// <summary>The posted land price (公示地价).</summary>
    public Appraisal? PostedPrice { get; init; }

    /// <summary>The land use before the redevelopment (a policy land-use code).</summary>
    public string? ChangeOfUseFrom { get; init; }

    /// <summary>The land use after the redevelopment (a policy land-use code).</summary>
    public string? ChangeOfUseTo { get; init; }

    /// <summary>The policy's no-charge case the contract claims (a <see cref="Policies.NoChargeCase"/> id).</summary>
    public string? NoChargeCase { get; init; }

    /// <summary>The instalments the contract fixes, in order; null when it fixes none.</summary>
    public IReadOnlyList<RequestedInstalment>? RequestedPlan { get; init; }

    /// <summary>The consent to pay in instalments, where the policy asks one (<see cref="Policies.InstalmentRules.ConsentOf"/>).</summary>
    public InstalmentConsent? InstalmentConsent { get; init; }

    /// <summary>
    /// The kind of transfer the contract is (a <see cref="Policies.TransferKind"/> id), where the policy lets only some pay in
    /// instalments (<see cref="Policies.InstalmentRules.OnlyFor"/>), e.g. agreement-transfer-after-transition.
    /// </summary>
    public string? Transfer { get; init; }
}

/// <summary>A broken payment rule.</summary>
/// <param name="Rule">A stable kebab-case code, e.g. <c>first-payment-at-least</c>.</param>
/// <param name="Message">What is wrong, for the officer.</param>
/// <param name="Source">The article the rule comes from, e.g. 克拉玛依 art. 8(1).</param>
/// <param name="Path">A JSON path into the contract body, e.g. <c>$.requestedPlan[1].dueOn</c>, <c>$.priceBasis</c>, <c>$.appraisals.newConditions</c>.</param>
public sealed record PaymentViolation(string Rule, string Message, string Source, string Path);

/// <summary>The land price a contract must pay.</summary>
/// <param name="Amount">The amount due, to the fen.</param>
/// <param name="Basis">The price basis id, or the no-charge case id.</param>
/// <param name="NoCharge">Whether a no-charge case applies (the amount is then zero).</param>
/// <param name="Explanation">How the amount was found, e.g. <c>0.7 × (12,000,000.00 − 4,000,000.00) = 5,600,000.00</c>.</param>
/// <param name="Source">The article that sets the basis or the no-charge case.</param>
public sealed record AmountDue(Money Amount, string Basis, bool NoCharge, string Explanation, string Source);

/// <summary>One instalment of a payment schedule.</summary>
/// <param name="Number">Its number, from 1.</param>
/// <param name="Amount">The amount, to the fen.</param>
/// <param name="DueOn">The last day to pay it.</param>
public sealed record Instalment(int Number, Money Amount, DateOnly DueOn);

/// <summary>Where a payment schedule comes from.</summary>
public enum PlanKind
{
    /// <summary>Nothing is due, so nothing is paid.</summary>
    None,

    /// <summary>The whole amount at once.</summary>
    LumpSum,

    /// <summary>The schedule the policy fixes (e.g. 中卫 section 4(3)).</summary>
    Fixed,

    /// <summary>The policy's default plan, the contract fixing none.</summary>
    Default,

    /// <summary>The plan the contract fixes, checked against the policy.</summary>
    Requested,
}

/// <summary>When the land price is to be paid.</summary>
/// <param name="Due">The amount due.</param>
/// <param name="CountedFrom">The day the payment periods are counted from (signing, or the contract taking effect).</param>
/// <param name="Plan">Where the instalments come from.</param>
/// <param name="Instalments">The instalments, in order; they add up to the amount due exactly.</param>
/// <param name="Source">The article that sets the instalment rules (or the no-charge case).</param>
public sealed record PaymentSchedule(AmountDue Due, DateOnly CountedFrom, PlanKind Plan, IReadOnlyList<Instalment> Instalments, string Source);

/// <summary>The outcome of <see cref="PaymentCalculator.Compute"/>: the schedule, or every rule the contract breaks.</summary>
/// <param name="Schedule">The schedule; null when a rule is broken.</param>
/// <param name="Violations">Every broken rule; empty when the contract's payment terms are valid.</param>
public sealed record PaymentComputation(PaymentSchedule? Schedule, IReadOnlyList<PaymentViolation> Violations)
{
    /// <summary>Whether the contract breaks no rule and a schedule was built.</summary>
    public bool IsValid => Violations.Count == 0 && Schedule is not null;

    /// <summary>
    /// What the contract does not meet of the <see cref="RecordingRules"/> that came in after it was recorded: shown, not
    /// held against it (it is computed as it was when recorded). Empty for a contract recorded under every rule.
    /// </summary>
    public IReadOnlyList<PaymentViolation> RecordedBeforeRules { get; init; } = [];
}
