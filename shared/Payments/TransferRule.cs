using LandRedevelopment.Policies;

namespace LandRedevelopment.Payments;

/// <summary>
/// The transfers a policy lets pay in instalments (<see cref="InstalmentRules.OnlyFor"/>), checked against the kind a
/// contract states; every broken rule cites the listed kinds' articles.
/// </summary>
internal static class TransferRule
{
    private const string TransferPath = "$.transfer";

    /// <summary>Adds to <paramref name="violations"/> every transfer rule <paramref name="contract"/> breaks when it pays in <paramref name="instalments"/> instalments.</summary>
    public static void Check(InstalmentRules rules, ContractTerms contract, int instalments, List<PaymentViolation> violations)
    {
        var stated = contract.Transfer;
        if (rules.OnlyFor is not { Count: > 0 } kinds)
        {
            // Refused rather than ignored, as a consent the policy does not ask: a kind the policy does not know would
            // read on the case's record as if the contract had been judged by it.
            if (stated is not null)
            {
                violations.Add(new("transfer-not-asked",
                    "This policy lets every contract pay in instalments and names no kinds of transfer, so the contract states none (leave out transfer).", rules.Source, TransferPath));
            }

            return;
        }

        var source = string.Join("; ", kinds.Select(k => k.Source).Distinct(StringComparer.Ordinal));
        var known = string.Join(", ", kinds.Select(k => $"{k.Id} ({k.Description})"));
        if (stated is not null && kinds.All(k => k.Id != stated))
        {
            violations.Add(new("transfer-unknown", $"'{stated}' is not a kind of transfer this policy names (known: {known}).", source, TransferPath));
        }
        else if (stated is null && rules.Allowed && instalments > 1)
        {
            // 过渡期满办理土地使用权协议出让时 … 无法一次性补缴的: other contracts (e.g. a change of use) pay at once.
            violations.Add(new("instalments-only-for",
                $"Only {known} may pay in instalments; the contract states no kind of transfer (transfer), so it pays at once, not in {instalments} instalments.",
                source, TransferPath));
        }
    }
}
