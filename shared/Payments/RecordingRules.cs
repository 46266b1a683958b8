using LandRedevelopment.Policies;

namespace LandRedevelopment.Payments;

/// <summary>
/// The payment rules a contract is held to when it is posted, before anything is recorded (a breach is refused, not
/// kept as rejected): the consent to pay in instalments (<see cref="InstalmentRules.ConsentOf"/>) and the transfers that
/// may pay in them (<see cref="InstalmentRules.OnlyFor"/>). Each is named, so that a contract recorded before a rule came
/// in is still computed as it was then, its breaches of that rule shown (<see cref="PaymentComputation.RecordedBeforeRules"/>)
/// rather than held against it.
/// </summary>
public static class RecordingRules
{
    /// <summary>The consent the policy asks before the price is paid in instalments (rules instalment-consent-*).</summary>
    public const string InstalmentConsent = "instalment-consent";

    /// <summary>The kinds of transfer the policy lets pay in instalments (rules transfer-*, instalments-only-for).</summary>
    public const string InstalmentTransfer = "instalment-transfer";

    /// <summary>Every rule a contract posted now is checked against, oldest first.</summary>
    public static IReadOnlyList<string> All { get; } = [InstalmentConsent, InstalmentTransfer];

    /// <summary>The breaches of <paramref name="rule"/> by <paramref name="contract"/> paying in <paramref name="instalments"/> instalments.</summary>
    internal static List<PaymentViolation> Check(string rule, InstalmentRules rules, ContractTerms contract, int instalments)
    {
        var violations = new List<PaymentViolation>();
        if (rule == InstalmentConsent)
        {
            ConsentRule.Check(rules, contract, instalments, violations);
        }
        else
        {
            TransferRule.Check(rules, contract, instalments, violations);
        }

        return violations;
    }
}
