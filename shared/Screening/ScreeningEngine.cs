using LandRedevelopment.Policies;

namespace LandRedevelopment.Screening;

/// <summary>
/// Screens a surveyed parcel against a city's policy. A pure function of the policy and the
/// survey: no clock, no I/O, so that a stored result can be reproduced from the case.
/// </summary>
/// <remarks>
/// Precedence: a precondition not met → <see cref="ScreeningOutcome.PreconditionFailed"/>; else an
/// exemption met → <see cref="ScreeningOutcome.Exempt"/> (it wins over every criterion); else an
/// exclusion met → <see cref="ScreeningOutcome.Excluded"/>; else a criterion met →
/// <see cref="ScreeningOutcome.Candidate"/>; else <see cref="ScreeningOutcome.NotCandidate"/>.
/// Every rule is evaluated and listed whatever decided the outcome.
/// <para>
/// Missing attributes: a condition over an attribute the survey did not report is unknown, and an
/// unknown rule is not met — also under <c>not</c>. So an unreported fact never counts for the
/// parcel: it cannot satisfy a precondition (no "not disputed" by silence), exempt or exclude it,
/// or make it a candidate. The missing names are listed so the field team can complete the survey.
/// </para>
/// </remarks>
public static class ScreeningEngine
{
    /// <summary>Screens the parcel.</summary>
    /// <exception cref="ArgumentException">An attribute uses a name reserved for the parcel's own fields.</exception>
    /// <exception cref="ScreeningRuleException">A rule is malformed or reads an attribute as the wrong type.</exception>
    public static ScreeningResult Screen(PolicyDocument policy, ScreeningInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        CheckInput(input);

        var rules = policy.Screening;
        var preconditions = rules.Preconditions.Select(r => Evaluate(r, input)).ToList();
        var exemptions = rules.Exemptions.Select(r => Evaluate(r, input)).ToList();
        var exclusions = rules.Exclusions.Select(r => Evaluate(r, input)).ToList();
        var criteria = rules.Criteria.Select(r => Evaluate(r, input)).ToList();

        var (outcome, decidedBy) =
            preconditions.Where(r => !r.Met).ToList() is { Count: > 0 } failed ? (ScreeningOutcome.PreconditionFailed, failed)
            : exemptions.Where(r => r.Met).ToList() is { Count: > 0 } exempt ? (ScreeningOutcome.Exempt, exempt)
            : exclusions.Where(r => r.Met).ToList() is { Count: > 0 } excluded ? (ScreeningOutcome.Excluded, excluded)
            : criteria.Where(r => r.Met).ToList() is { Count: > 0 } met ? (ScreeningOutcome.Candidate, met)
            : (ScreeningOutcome.NotCandidate, []);

        return new ScreeningResult
        {
            Outcome = outcome,
            DecidedBy = decidedBy.Select(r => r.Id).ToList(),
            Preconditions = preconditions,
            Exemptions = exemptions,
            Exclusions = exclusions,
            Criteria = criteria,
            MissingAttributes = preconditions.Concat(exemptions).Concat(exclusions).Concat(criteria)
                .SelectMany(r => r.Missing)
                .Distinct(StringComparer.Ordinal)
                .ToList(),
            AreaCheck = CheckArea(policy.Survey, input),
        };
    }

    /// <summary>Evaluates one named rule (a criterion, or e.g. a reclamation condition of art. 9) for the parcel.</summary>
    /// <exception cref="ScreeningRuleException">The rule is malformed or reads an attribute as the wrong type.</exception>
    public static RuleOutcome Evaluate(NamedRule rule, ScreeningInput input)
    {
        ArgumentNullException.ThrowIfNull(rule);
        CheckInput(input);
        var evaluator = new RuleEvaluator(input, rule.Id);
        var evaluated = evaluator.Evaluate(rule.Rule);
        return new RuleOutcome
        {
            Id = rule.Id,
            Description = rule.Description,
            Source = rule.Source,
            Met = evaluated.Truth == Truth.True,
            Values = evaluator.Values,
            Missing = evaluator.Missing,
            Explanation = evaluated.Explanation,
        };
    }

    /// <summary>
    /// Whether a bare condition holds (a review chain's or a plan gate's <c>when</c>); unknown is false.
    /// </summary>
    /// <param name="rule">The condition.</param>
    /// <param name="input">The facts.</param>
    /// <param name="id">Names the condition in an error, e.g. the chain's id.</param>
    /// <exception cref="ScreeningRuleException">The rule is malformed or reads an attribute as the wrong type.</exception>
    public static bool Holds(Rule rule, ScreeningInput input, string id = "when")
    {
        CheckInput(input);
        return new RuleEvaluator(input, id).Evaluate(rule).Truth == Truth.True;
    }

    private static void CheckInput(ScreeningInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var name in ScreeningInput.ReservedNames)
        {
            if (input.Attributes.ContainsKey(name))
            {
                // Two sources for one name would make a rule's reading depend on lookup order.
                throw new ArgumentException($"'{name}' is the parcel's own field and cannot also be an attribute.", nameof(input));
            }
        }
    }

    private static AreaCheck? CheckArea(SurveyRules rules, ScreeningInput input)
    {
        if (input.ParcelAreaM2 is not { } computed
            || input.Attributes.GetValueOrDefault(ScreeningInput.DeclaredAreaName) is not { Type: AttributeType.Number } declaredValue
            || declaredValue.AsNumber() <= 0m)
        {
            return null;
        }

        var declared = declaredValue.AsNumber();

        // Relative to the declared area: that is the figure of record the polygon cross-checks.
        var difference = Math.Abs(declared - computed) / declared;
        return new AreaCheck
        {
            DeclaredAreaM2 = declared,
            ComputedAreaM2 = computed,
            RelativeDifference = Math.Round(difference, 6, MidpointRounding.AwayFromZero),
            Tolerance = rules.DeclaredAreaTolerance,
            WithinTolerance = difference <= rules.DeclaredAreaTolerance,
        };
    }
}
