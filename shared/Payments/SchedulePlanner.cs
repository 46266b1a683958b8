using System.Globalization;
using System.Numerics;
using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Payments;

/// <summary>
/// Builds or checks the instalments of one contract under the policy's instalment rules, adding every broken
/// rule to <paramref name="violations"/> (all citing <see cref="InstalmentRules.Source"/>).
/// </summary>
/// <param name="rules">The policy's instalment rules.</param>
/// <param name="start">The day the periods are counted from.</param>
/// <param name="calendar">The holiday calendar computed due dates are moved over.</param>
/// <param name="due">The amount due, or null when it could not be computed (the checks that need it are skipped).</param>
/// <param name="violations">Where broken rules go.</param>
internal sealed class SchedulePlanner(InstalmentRules rules, DateOnly start, HolidayCalendar calendar, Money? due, List<PaymentViolation> violations)
{
    private const string PlanPath = "$.requestedPlan";

    private static readonly InstalmentTerm[] LumpSum = [new() { Rest = true, DueWithin = new Period() }];

    /// <summary>The plan: built from the policy when the contract fixes none, else the contract's, checked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A period runs past the end of the calendar.</exception>
    public (PlanKind Kind, IReadOnlyList<Instalment> Instalments) Plan(IReadOnlyList<RequestedInstalment>? requested)
    {
        if (due is { Fen: 0 })
        {
            if (requested is { Count: > 0 })
            {
                Add("sum-equals-amount-due", "Nothing is due, so the contract must fix no payments.", PlanPath);
            }

            return (PlanKind.None, []);
        }

        if (requested is null)
        {
            return !rules.Allowed ? (PlanKind.LumpSum, Build(LumpSum))
                : rules.FixedSchedule is { } fixedTerms ? (PlanKind.Fixed, Build(fixedTerms))
                : rules.DefaultPlan is { } defaultTerms ? (PlanKind.Default, Build(defaultTerms))
                : (PlanKind.LumpSum, Build(LumpSum));
        }

        CheckEach(requested);
        var given = requested.Select((r, i) => new Instalment(i + 1, r.Amount, r.DueOn)).ToList();
        if (!rules.Allowed)
        {
            if (requested.Count > 1)
            {
                Add("instalments-not-allowed", $"The policy allows no instalments: the price is paid at once, not in {requested.Count} instalments.", PlanPath);
            }

            return (PlanKind.LumpSum, given);
        }

        if (rules.FixedSchedule is { } terms)
        {
            CheckAgainstFixed(requested, Build(terms));
        }
        else if (!rules.ContractTermsApply)
        {
            CheckFirstAndLast(requested);
        }

        return (PlanKind.Requested, given);
    }

    // The terms' shares of the amount due, the rest term taking 1 − Σ shares, allocated to the fen so that
    // they add up exactly; each due on the last day of its period.
    private List<Instalment> Build(IReadOnlyList<InstalmentTerm> terms)
    {
        var rest = 1m - terms.Sum(t => t.Share ?? 0m);
        var amounts = (due ?? Money.Zero).Allocate(terms.Select(t => t.Rest ? rest : t.Share ?? 0m).ToList());
        return terms.Select((t, i) => new Instalment(i + 1, amounts[i], LegalPeriods.LastDay(start, t.DueWithin, calendar))).ToList();
    }

    // What every plan must satisfy: positive amounts, due dates from the start on and in order, and the exact sum.
    private void CheckEach(IReadOnlyList<RequestedInstalment> requested)
    {
        for (var i = 0; i < requested.Count; i++)
        {
            var (amount, dueOn) = (requested[i].Amount, requested[i].DueOn);
            if (amount <= Money.Zero)
            {
                Add("amount-positive", $"Instalment {i + 1} must be more than nothing; it is {amount}.", Item(i, "amount"));
            }

            if (dueOn < start)
            {
                Add("not-before-start", $"Instalment {i + 1} is due on {PaymentText.Date(dueOn)}, before the periods start on {PaymentText.Date(start)}.", Item(i, "dueOn"));
            }

            if (i > 0 && dueOn < requested[i - 1].DueOn)
            {
                Add("in-order", $"Instalment {i + 1} is due on {PaymentText.Date(dueOn)}, before instalment {i} ({PaymentText.Date(requested[i - 1].DueOn)}).", Item(i, "dueOn"));
            }
        }

        var sum = PaidBy(requested, DateOnly.MaxValue);
        if (due is { } amountDue && sum != amountDue.Fen)
        {
            Add("sum-equals-amount-due", $"The instalments add up to {PaymentText.Yuan(sum)}, not the amount due {PaymentText.Yuan(amountDue.Fen)}.", PlanPath);
        }
    }

    // The fixed schedule read as cumulative minimums: by each term's due date at least the schedule's amounts
    // up to that term (so the schedule itself always passes), and everything by the last term's due date.
    private void CheckAgainstFixed(IReadOnlyList<RequestedInstalment> requested, List<Instalment> schedule)
    {
        if (due is not null)
        {
            var minimum = 0m;
            foreach (var term in schedule.SkipLast(1))
            {
                minimum += term.Amount.Fen;
                var paid = PaidBy(requested, term.DueOn);
                if (paid < minimum)
                {
                    var late = requested.ToList().FindIndex(r => r.DueOn > term.DueOn);
                    Add("fixed-schedule-share",
                        $"By {PaymentText.Date(term.DueOn)} (term {term.Number} of the fixed schedule) at least {PaymentText.Yuan(minimum)} must be paid; the plan pays {PaymentText.Yuan(paid)} by then.",
                        late < 0 ? PlanPath : $"{PlanPath}[{late}]");
                }
            }
        }

        CheckAllWithin(requested, schedule[^1].DueOn, "the last term of the fixed schedule");
    }

    // The limits the policy sets on a contract's plan: the first payment's share and the last due date.
    private void CheckFirstAndLast(IReadOnlyList<RequestedInstalment> requested)
    {
        if (rules.FirstPaymentAtLeast is { } share && due is { } amountDue && requested.Count > 0 && !IsAtLeast(requested[0].Amount, share, amountDue))
        {
            Add("first-payment-at-least",
                $"The first payment ({requested[0].Amount}) must be at least {share.ToString(CultureInfo.InvariantCulture)} of the amount due ({amountDue}).",
                Item(0, "amount"));
        }

        if (rules.AllWithin is { } within)
        {
            CheckAllWithin(requested, LegalPeriods.LastDay(start, within, calendar), $"{within} from {PaymentText.Date(start)}");
        }
    }

    private void CheckAllWithin(IReadOnlyList<RequestedInstalment> requested, DateOnly lastDay, string limit)
    {
        for (var i = 0; i < requested.Count; i++)
        {
            if (requested[i].DueOn > lastDay)
            {
                Add("all-within", $"Instalment {i + 1} is due on {PaymentText.Date(requested[i].DueOn)}, after {PaymentText.Date(lastDay)}: everything must be paid within {limit}.", Item(i, "dueOn"));
            }
        }
    }

    // In fen, as a decimal: a plan's amounts may add up past what a long holds.
    private static decimal PaidBy(IReadOnlyList<RequestedInstalment> requested, DateOnly day) =>
        requested.Where(r => r.DueOn <= day).Sum(r => (decimal)r.Amount.Fen);

    // amount ≥ share × of, exactly (no rounding): with share = m / 10^s, amount × 10^s ≥ m × of.
    private static bool IsAtLeast(Money amount, decimal share, Money of)
    {
        var bits = decimal.GetBits(share);
        var mantissa = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        return amount.Fen * BigInteger.Pow(10, share.Scale) >= mantissa * of.Fen;
    }

    private static string Item(int index, string member) => $"{PlanPath}[{index}].{member}";

    private void Add(string rule, string message, string path) => violations.Add(new(rule, message, rules.Source, path));
}

/// <summary>How payment messages write dates, amounts and lists.</summary>
internal static class PaymentText
{
    /// <summary>A date as yyyy-MM-dd.</summary>
    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An amount in yuan with thousands separators and two decimals: 12,000,000.00.</summary>
    public static string Yuan(Money amount) => Yuan(amount.Fen);

    /// <summary>An amount of fen (which may exceed a long) in yuan, as <see cref="Yuan(Money)"/>.</summary>
    public static string Yuan(decimal fen) => (fen / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>Ids, comma-separated, or "none".</summary>
    public static string List(IEnumerable<string> ids) => ids.Any() ? string.Join(", ", ids) : "none";
}
