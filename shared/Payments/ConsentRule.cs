using LandRedevelopment.Policies;

namespace LandRedevelopment.Payments;

/// <summary>
/// The consent a policy asks before the land price may be paid in instalments (<see cref="InstalmentRules.ConsentOf"/>),
/// checked against the consent a contract carries; every broken rule cites <see cref="InstalmentRules.Source"/>.
/// </summary>
internal static class ConsentRule
{
    private const string ConsentPath = "$.instalmentConsent";

    /// <summary>Adds to <paramref name="violations"/> every consent rule <paramref name="contract"/> breaks when it pays in <paramref name="instalments"/> instalments.</summary>
    public static void Check(InstalmentRules rules, ContractTerms contract, int instalments, List<PaymentViolation> violations)
    {
        var consent = contract.InstalmentConsent;
        if (rules.ConsentOf is not { } consentOf)
        {
            // Refused rather than ignored: who consented can only be checked against the one the policy names, and an
            // unchecked consent kept with the contract would read on the case's record as if the schedule rested on it.
            if (consent is not null)
            {
                violations.Add(new("instalment-consent-not-asked",
                    "This policy asks no one's consent for paying in instalments, so the contract carries none (leave out instalmentConsent).", rules.Source, ConsentPath));
            }

            return;
        }

        if (consent is null)
        {
            // Paying at once needs no consent (无法一次性补缴的…); a policy that allows no instalments refuses the plan itself.
            if (rules.Allowed && instalments > 1)
            {
                violations.Add(new("instalment-consent-required",
                    $"Paying in {instalments} instalments needs the consent of {consentOf} (instalmentConsent): pay at once, or record the consent with the contract.",
                    rules.Source, ConsentPath));
            }

            return;
        }

        if (!string.Equals(consent.By, consentOf, StringComparison.Ordinal))
        {
            violations.Add(new("instalment-consent-by", $"The consent is by '{consent.By}'; this policy asks the consent of '{consentOf}'.", rules.Source, ConsentPath + ".by"));
        }

        // The contract fixes the plan when it is signed, so the consent comes first (报…同意后).
        if (consent.GivenOn > contract.SignedOn)
        {
            violations.Add(new("instalment-consent-before-contract",
                $"The consent was given on {PaymentText.Date(consent.GivenOn)}, after the contract was signed on {PaymentText.Date(contract.SignedOn)}: instalments are agreed once consent is given.",
                rules.Source, ConsentPath + ".givenOn"));
        }
    }
}
