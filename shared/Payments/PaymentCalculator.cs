using System.Globalization;
using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Payments;

/// <summary>
/// The land price a redevelopment contract pays and when: the amount due under the policy's price bases or
/// no-charge cases, and the payment schedule under its instalment rules. Pure: no clock, no storage.
/// </summary>
/// <remarks>
/// Bad contract data never throws: every broken rule is reported, together, as a <see cref="PaymentViolation"/>
/// with the article it comes from and a JSON path into the contract. Money is exact to the fen; computed due
/// dates follow <see cref="LegalPeriods.LastDay"/> (Civil Code periods, moved over rest days), while the due
/// dates a contract fixes are taken as given.
/// </remarks>
public static class PaymentCalculator
{
    /// <summary>
    /// The amount <paramref name="contract"/> must pay under <paramref name="policy"/>: nothing for a no-charge
    /// case, else the share of the appraisal (or appraisal difference, or posted price) its price basis names,
    /// rounded to the fen half away from zero.
    /// </summary>
    /// <returns>The amount due, or null with the violations when a rule is broken.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <param name="policy">The policy version the case runs under.</param>
    /// <param name="contract">The contract's payment terms.</param>
    /// <param name="landUse">
    /// The case's land use (a code of the policy's landUses): the use before and after redevelopment when the contract
    /// states no change of use. Rules that depend on the use (a basis that excludes some uses, a no-charge case only for
    /// some) need it or the contract's change of use.
    /// </param>
    public static (AmountDue? Due, IReadOnlyList<PaymentViolation> Violations) ComputeAmountDue(PolicyDocument policy, ContractTerms contract, string? landUse = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(contract);
        var violations = new List<PaymentViolation>();
        var uses = LandUses.Of(policy, contract, landUse, violations);
        var due = contract.NoChargeCase is { } caseId
            ? NoCharge(policy.LandPrice, caseId, uses, violations)
            : Priced(policy.LandPrice, contract, uses, violations);
        return (violations.Count == 0 ? due : null, violations);
    }

    /// <summary>
    /// The payment schedule of <paramref name="contract"/> under <paramref name="policy"/>: the amount due and the
    /// instalments — the contract's own plan checked against the instalment rules, else the policy's fixed or
    /// default schedule, else a lump sum due on the day the periods are counted from — and the conditions the
    /// policy sets for paying in instalments (see <see cref="CheckRecordingRules"/>).
    /// </summary>
    /// <param name="policy">The policy version the case runs under.</param>
    /// <param name="contract">The contract's payment terms.</param>
    /// <param name="calendar">The tenant's holiday calendar, for moving computed due dates over rest days.</param>
    /// <param name="landUse">The case's land use (see <see cref="ComputeAmountDue"/>).</param>
    /// <param name="recordedBefore">
    /// The <see cref="RecordingRules"/> that came in after the contract was recorded: what it does not meet of them is
    /// reported in <see cref="PaymentComputation.RecordedBeforeRules"/>, not as violations. None by default.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static PaymentComputation Compute(PolicyDocument policy, ContractTerms contract, HolidayCalendar calendar, string? landUse = null,
        IReadOnlyCollection<string>? recordedBefore = null)
    {
        var planned = Plan(policy, contract, calendar, landUse);
        var violations = planned.Violations;
        var waived = new List<PaymentViolation>();
        foreach (var rule in RecordingRules.All)
        {
            var broken = RecordingRules.Check(rule, policy.Instalments, contract, planned.Count);
            (recordedBefore?.Contains(rule) == true ? waived : violations).AddRange(broken);
        }

        var schedule = violations.Count == 0 && planned.Due is { } due && planned.Plan is { } p
            ? new PaymentSchedule(due, planned.Start, p.Kind, p.Instalments, due.NoCharge ? due.Source : policy.Instalments.Source)
            : null;
        return new PaymentComputation(schedule, violations) { RecordedBeforeRules = waived };
    }

    /// <summary>
    /// Whether <paramref name="contract"/> meets the conditions <paramref name="policy"/> sets for paying in instalments,
    /// which a contract must meet before it is recorded (<see cref="RecordingRules"/>): a schedule of more than one
    /// instalment needs the consent the policy asks (<see cref="InstalmentRules.ConsentOf"/>, e.g. 克拉玛依 art. 8(1)
    /// 报市人民政府同意后), given by the one it names on or before the signing day, and a kind of transfer the policy lets pay
    /// in instalments (<see cref="InstalmentRules.OnlyFor"/>, e.g. 过渡期满办理土地使用权协议出让). These are the violations
    /// <see cref="Compute"/> reports on <c>$.instalmentConsent</c> and <c>$.transfer</c>, and only those.
    /// </summary>
    /// <returns>The broken rules; empty when the contract may be recorded as far as these go.</returns>
    /// <param name="policy">The policy version the case runs under.</param>
    /// <param name="contract">The contract's payment terms.</param>
    /// <param name="calendar">The tenant's holiday calendar (the schedule is planned to count its instalments).</param>
    /// <param name="landUse">The case's land use (see <see cref="ComputeAmountDue"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IReadOnlyList<PaymentViolation> CheckRecordingRules(PolicyDocument policy, ContractTerms contract, HolidayCalendar calendar, string? landUse = null)
    {
        var count = Plan(policy, contract, calendar, landUse).Count;
        return RecordingRules.All.SelectMany(rule => RecordingRules.Check(rule, policy.Instalments, contract, count)).ToList();
    }

    // The amount due and the plan with every rule they break; Count is the number of instalments the contract would pay in.
    private static (AmountDue? Due, DateOnly Start, (PlanKind Kind, IReadOnlyList<Instalment> Instalments)? Plan, int Count, List<PaymentViolation> Violations) Plan(
        PolicyDocument policy, ContractTerms contract, HolidayCalendar calendar, string? landUse)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var (due, dueViolations) = ComputeAmountDue(policy, contract, landUse);
        var rules = policy.Instalments;
        var effective = rules.CountFrom == InstalmentStart.ContractEffective ? contract.EffectiveOn : null;
        var start = effective ?? contract.SignedOn;
        var violations = dueViolations.ToList();
        var planner = new SchedulePlanner(rules, start, calendar, due?.Amount, violations);
        (PlanKind Kind, IReadOnlyList<Instalment> Instalments)? plan = null;
        try
        {
            plan = planner.Plan(contract.RequestedPlan);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Only a start date at the very end of the calendar makes a period run past it.
            violations.Add(new("start-out-of-range", $"The payment periods counted from {PaymentText.Date(start)} run past the end of the calendar.",
                rules.Source, effective is null ? "$.signedOn" : "$.effectiveOn"));
        }

        return (due, start, plan, plan?.Instalments.Count ?? contract.RequestedPlan?.Count ?? 0, violations);
    }

    private static AmountDue? NoCharge(LandPriceRules rules, string caseId, LandUses uses, List<PaymentViolation> violations)
    {
        var claimed = rules.NoCharge.FirstOrDefault(c => c.Id == caseId);
        if (claimed is null)
        {
            violations.Add(new("no-charge-case-unknown",
                $"'{caseId}' is not a no-charge case of this policy (known: {PaymentText.List(rules.NoCharge.Select(c => c.Id))}).",
                rules.Bases.FirstOrDefault()?.Source ?? "policy", "$.noChargeCase"));
            return null;
        }

        // Raising the floor-area ratio (or building on one's own land, 零增地) is free only without a change of use: the policy says which cases.
        if (claimed.RequiresSameUse && uses.Before != uses.After)
        {
            violations.Add(new("no-charge-needs-same-use",
                $"'{caseId}' applies only without a change of use, but the contract changes the use from '{uses.Before}' to '{uses.After}'.",
                claimed.Source, "$.changeOfUse.to"));
        }

        // Some cases are for some land only (e.g. 工业用地): judged on the land's use before redevelopment.
        if (claimed.Uses is { Count: > 0 } covered)
        {
            if (uses.Before is not { } before)
            {
                violations.Add(new("no-charge-needs-use",
                    $"'{caseId}' is only for land used as {uses.Names(covered)}; the contract must state the land's use (changeOfUse).", claimed.Source, "$.changeOfUse"));
            }
            else if (!covered.Contains(before, StringComparer.Ordinal))
            {
                violations.Add(new("no-charge-use-not-covered",
                    $"'{caseId}' is only for land used as {uses.Names(covered)}; this land is {uses.Names([before])}.", claimed.Source, uses.BeforePath));
            }
        }

        return new AmountDue(Money.Zero, claimed.Id, NoCharge: true, "不收取土地价款：" + claimed.Description, claimed.Source);
    }

    private static AmountDue? Priced(LandPriceRules rules, ContractTerms contract, LandUses uses, List<PaymentViolation> violations)
    {
        var basis = rules.Bases.FirstOrDefault(b => b.Id == contract.PriceBasis);
        if (basis is null)
        {
            var named = contract.PriceBasis is null ? "No price basis is named" : $"'{contract.PriceBasis}' is not a price basis of this policy";
            violations.Add(new("price-basis-unknown", $"{named} (known: {PaymentText.List(rules.Bases.Select(b => b.Id))}).",
                rules.Bases.FirstOrDefault()?.Source ?? "policy", "$.priceBasis"));
            return null;
        }

        // A basis may be closed to some uses after redevelopment (商品住宅除外).
        if (basis.ExcludedUses is { Count: > 0 } excluded)
        {
            if (uses.After is not { } after)
            {
                violations.Add(new("price-basis-needs-use",
                    $"Price basis '{basis.Id}' does not apply to land used after redevelopment as {uses.Names(excluded)}; the contract must state the land's use (changeOfUse).",
                    basis.Source, "$.changeOfUse"));
            }
            else if (excluded.Contains(after, StringComparer.Ordinal))
            {
                violations.Add(new("price-basis-excludes-use",
                    $"Price basis '{basis.Id}' does not apply to land used after redevelopment as {uses.Names([after])}.", basis.Source, uses.AfterPath));
            }
        }

        switch (basis.Formula)
        {
            case PriceFormula.ShareOfNewAppraisal:
                return Required(contract.NewConditions, "newConditions") is { } newer ? Share(basis, newer.Amount, PaymentText.Yuan(newer.Amount)) : null;
            case PriceFormula.ShareOfPostedPrice:
                return Required(contract.PostedPrice, "postedPrice") is { } posted ? Share(basis, posted.Amount, PaymentText.Yuan(posted.Amount)) : null;
            default:
                var (after, before) = (Required(contract.NewConditions, "newConditions"), Required(contract.OriginalConditions, "originalConditions"));
                if (after is null || before is null)
                {
                    return null;
                }

                if (basis.SameValuationDate && after.ValuationDate != before.ValuationDate)
                {
                    violations.Add(new("same-valuation-date",
                        $"Both appraisals must value the land at the same date; they are at {PaymentText.Date(after.ValuationDate)} (new) and {PaymentText.Date(before.ValuationDate)} (original).",
                        basis.Source, "$.appraisals.originalConditions.valuationDate"));
                }

                var difference = after.Amount - before.Amount;
                if (difference < Money.Zero)
                {
                    violations.Add(new("appraisal-difference-negative",
                        $"The appraisal under the new conditions ({after.Amount}) is below the one under the original conditions ({before.Amount}).",
                        basis.Source, "$.appraisals.newConditions.amount"));
                    return null;
                }

                return Share(basis, difference, $"({PaymentText.Yuan(after.Amount)} − {PaymentText.Yuan(before.Amount)})");
        }

        // An appraisal the formula needs: present and not negative (so a difference of two cannot overflow).
        Appraisal? Required(Appraisal? appraisal, string name)
        {
            var path = "$.appraisals." + name;
            if (appraisal is null)
            {
                violations.Add(new("appraisal-missing", $"Price basis '{basis.Id}' needs the appraisal '{name}'.", basis.Source, path));
            }
            else if (appraisal.Amount < Money.Zero)
            {
                violations.Add(new("appraisal-negative", $"The appraisal '{name}' is negative ({appraisal.Amount}).", basis.Source, path + ".amount"));
            }
            else
            {
                return appraisal;
            }

            return null;
        }
    }

    private static AmountDue Share(PriceBasis basis, Money of, string ofText)
    {
        var amount = of.Multiply(basis.Share);
        var share = basis.Share.ToString("0.############################", CultureInfo.InvariantCulture);
        return new AmountDue(amount, basis.Id, NoCharge: false, $"{share} × {ofText} = {PaymentText.Yuan(amount)}", basis.Source);
    }
}

/// <summary>
/// A contract's land use before and after redevelopment: as its change of use states, else the case's land use for both.
/// Codes the contract states must be the policy's.
/// </summary>
internal sealed record LandUses(string? Before, string? After, string BeforePath, string AfterPath, IReadOnlyDictionary<string, string> NamesByCode)
{
    public static LandUses Of(PolicyDocument policy, ContractTerms contract, string? landUse, List<PaymentViolation> violations)
    {
        var names = policy.LandUses.ToDictionary(l => l.Code, l => l.Name, StringComparer.Ordinal);
        foreach (var (code, path) in new[] { (contract.ChangeOfUseFrom, "$.changeOfUse.from"), (contract.ChangeOfUseTo, "$.changeOfUse.to") })
        {
            if (code is not null && !names.ContainsKey(code))
            {
                violations.Add(new("land-use-unknown", $"'{code}' is not a land-use code of this policy (known: {PaymentText.List(names.Keys)}).", "policy landUses", path));
            }
        }

        return new LandUses(contract.ChangeOfUseFrom ?? landUse, contract.ChangeOfUseTo ?? landUse,
            contract.ChangeOfUseFrom is null ? "$.changeOfUse" : "$.changeOfUse.from", contract.ChangeOfUseTo is null ? "$.changeOfUse" : "$.changeOfUse.to", names);
    }

    /// <summary>The uses by name and code, e.g. 商品住宅用地 (commercial-housing).</summary>
    public string Names(IEnumerable<string> codes) =>
        string.Join(" or ", codes.Select(c => NamesByCode.TryGetValue(c, out var name) ? $"{name} ({c})" : c));
}

