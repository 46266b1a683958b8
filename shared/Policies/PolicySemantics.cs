using System.Globalization;
using System.Text.RegularExpressions;
using LandRedevelopment.Calendars;
using static LandRedevelopment.Policies.JsonSchemaValidator;
using PlanFacts = LandRedevelopment.Review.Workflow.PlanFacts;

namespace LandRedevelopment.Policies;

/// <summary>The checks on a policy that its schema cannot express. Paths are those of the policy as a JSON document.</summary>
internal sealed partial class PolicySemantics(PolicyDocument policy)
{
    /// <summary>Facts of the parcel itself, which every rule may read without defining them.</summary>
    internal static readonly IReadOnlyDictionary<string, AttributeType> ParcelFields = new Dictionary<string, AttributeType>(StringComparer.Ordinal)
    {
        ["district"] = AttributeType.String,
        ["zone"] = AttributeType.String,
        ["parcelAreaM2"] = AttributeType.Number,
    };

    private const string SurveyAttributes = "defined in attributes";

    private readonly List<PolicyError> errors = [];
    private readonly Dictionary<string, AttributeType> attributes = new(StringComparer.Ordinal);
    private readonly HashSet<string> landUses = new(StringComparer.Ordinal);

    // What the rules being checked may read, as an error names it when a rule reads something else.
    private string readable = SurveyAttributes;

    // Bounds belong to numbers, and a lower bound above the upper one would refuse every value.
    private void Bounds(IReadOnlyList<AttributeDefinition> definitions, string path)
    {
        for (var i = 0; i < definitions.Count; i++)
        {
            var a = definitions[i];
            if (a.Type != AttributeType.Number)
            {
                if (a.Minimum is not null)
                {
                    Error(Path(path, i, "minimum"), $"must be absent: '{a.Name}' is a {a.Type.ToString().ToLowerInvariant()}, and only numbers have bounds");
                }

                if (a.Maximum is not null)
                {
                    Error(Path(path, i, "maximum"), $"must be absent: '{a.Name}' is a {a.Type.ToString().ToLowerInvariant()}, and only numbers have bounds");
                }
            }
            else if (a.Minimum > a.Maximum)
            {
                Error(Path(path, i, "maximum"), $"must not be less than minimum ({a.Minimum}), or no value of '{a.Name}' could be stated");
            }
        }
    }

    public List<PolicyError> Run()
    {
        foreach (var attribute in policy.Attributes)
        {
            attributes.TryAdd(attribute.Name, attribute.Type);
        }

        landUses.UnionWith(policy.LandUses.Select(l => l.Code));

        Unique(policy.Sources, s => s.Id, "$", "sources", "id");
        Unique(policy.LandUses, l => l.Code, "$", "landUses", "code");
        Unique(policy.Attributes, a => a.Name, "$", "attributes", "name");
        Bounds(policy.Attributes, "$.attributes");
        Bounds(policy.Review.PlanAttributes, "$.review.planAttributes");
        for (var i = 0; i < policy.Attributes.Count; i++)
        {
            if (ParcelFields.ContainsKey(policy.Attributes[i].Name))
            {
                Error(Path("$.attributes", i, "name"), $"'{policy.Attributes[i].Name}' is a field of the parcel itself (district, zone, parcelAreaM2), always available to rules; it must not be defined as an attribute");
            }
        }

        var screening = policy.Screening;
        NamedRules(screening.Preconditions, "$.screening", "preconditions");
        NamedRules(screening.Exemptions, "$.screening", "exemptions");
        NamedRules(screening.Exclusions, "$.screening", "exclusions");
        NamedRules(screening.Criteria, "$.screening", "criteria");
        NamedRules(policy.Reclamation, "$", "reclamation");

        Review(policy.Review);
        Deadlines(policy.Deadlines);
        LandPrice(policy.LandPrice);
        Instalments(policy.Instalments);

        if (policy.Survey.DeclaredAreaTolerance < 0)
        {
            Error("$.survey.declaredAreaTolerance", "must not be negative (it is a relative difference, e.g. 0.05 = 5 %)");
        }

        for (var i = 0; i < policy.Evidence.ContentTypes.Count; i++)
        {
            var contentType = policy.Evidence.ContentTypes[i];
            if (!ContentType().IsMatch(contentType))
            {
                Error(ItemPath("$.evidence.contentTypes", i), $"'{contentType}' is not a content type: it must look like type/subtype (e.g. application/pdf)");
            }
        }

        return errors;
    }

    private void NamedRules(IReadOnlyList<NamedRule> rules, string parent, string list)
    {
        Unique(rules, r => r.Id, parent, list, "id");
        var path = MemberPath(parent, list);
        for (var i = 0; i < rules.Count; i++)
        {
            Rule(rules[i].Rule, MemberPath(ItemPath(path, i), "rule"), checkAttributes: true);
        }
    }

    private void Review(ReviewRules review)
    {
        if (review.DeterminationChains.Count == 0)
        {
            Error("$.review.determinationChains", "must have at least one chain (the last one, without 'when', is the default)");
        }

        Chains(review.DeterminationChains, "determinationChains");

        // Plan chains read the plan's own facts as well as the survey's attributes (the names are kept apart, below).
        var planAttributes = review.PlanAttributes.Select(a => (a.Name, a.Type)).ToList();
        Reading([.. attributes.Select(a => (a.Key, a.Value)), .. planAttributes], SurveyAttributes, () => Chains(review.PlanChains, "planChains"));

        Unique(review.PlanAttributes, a => a.Name, "$.review", "planAttributes", "name");
        for (var i = 0; i < review.PlanAttributes.Count; i++)
        {
            var name = review.PlanAttributes[i].Name;
            if (ParcelFields.ContainsKey(name) || policy.Attributes.Any(a => a.Name == name) || name is PlanFacts.NewLandUseName or PlanFacts.GreenChannelName)
            {
                Error(Path("$.review.planAttributes", i, "name"), $"'{name}' is already a fact rules read (a parcel field, a survey attribute, newLandUse or greenChannel); a plan attribute needs a name of its own");
            }
        }

        // Gates and conditions read what the decider gives them: the plan's facts and the parcel's own fields, not the
        // survey's attributes — so a gate naming a fact no plan states (a typo) is refused rather than never applying.
        Unique(review.PlanGates, g => g.Id, "$.review", "planGates", "id");
        Unique(review.PlanConditions, c => c.Id, "$.review", "planConditions", "id");
        Reading(
            [(PlanFacts.NewLandUseName, AttributeType.String), (PlanFacts.GreenChannelName, AttributeType.Boolean), .. planAttributes],
            $"a fact of the plan (review.planAttributes, {PlanFacts.NewLandUseName}, {PlanFacts.GreenChannelName}) or of the parcel (district, zone, parcelAreaM2)",
            () =>
            {
                for (var i = 0; i < review.PlanGates.Count; i++)
                {
                    Rule(review.PlanGates[i].When, Path("$.review.planGates", i, "when"), checkAttributes: true);
                }

                for (var i = 0; i < review.PlanConditions.Count; i++)
                {
                    Rule(review.PlanConditions[i].Rule, Path("$.review.planConditions", i, "rule"), checkAttributes: true);
                }
            });

        Period(review.ReminderBefore, "$.review.reminderBefore", allowZero: false);
    }

    /// <summary>Runs <paramref name="check"/> with the rules reading <paramref name="facts"/> instead of the survey's attributes.</summary>
    /// <param name="facts">The names and types the rules may read, besides the parcel's own fields.</param>
    /// <param name="what">What they are, for an error about a name that is none of them.</param>
    /// <param name="check">The checks of those rules.</param>
    private void Reading(IReadOnlyList<(string Name, AttributeType Type)> facts, string what, Action check)
    {
        var survey = new Dictionary<string, AttributeType>(attributes, StringComparer.Ordinal);
        attributes.Clear();
        foreach (var (name, type) in facts)
        {
            attributes.TryAdd(name, type);
        }

        readable = what;
        check();
        readable = SurveyAttributes;
        attributes.Clear();
        foreach (var (name, type) in survey)
        {
            attributes[name] = type;
        }
    }

    private void Chains(IReadOnlyList<ReviewChain> chains, string list)
    {
        Unique(chains, c => c.Id, "$.review", list, "id");
        var path = MemberPath("$.review", list);
        for (var i = 0; i < chains.Count; i++)
        {
            var chain = chains[i];
            var chainPath = ItemPath(path, i);
            var last = i == chains.Count - 1;
            if (chain.When is null && !last)
            {
                Error(MemberPath(chainPath, "when"), $"is required on every chain but the last: a chain without 'when' always applies, so the chains after it in {list} would never be used");
            }
            else if (chain.When is not null && last)
            {
                Error(MemberPath(chainPath, "when"), $"must be absent: the last chain in {list} is the default, used when no other applies");
            }

            if (chain.When is not null)
            {
                Rule(chain.When, MemberPath(chainPath, "when"), checkAttributes: true);
            }

            Steps(chain.Steps, MemberPath(chainPath, "steps"));
        }
    }

    private void Steps(IReadOnlyList<ReviewStep> steps, string path)
    {
        if (steps.Count == 0)
        {
            Error(path, "must have at least one step: a review chain needs a step that issues the decision");
            return;
        }

        if (steps.Count > Cases.CaseLimits.MaxChainSteps)
        {
            // Every step's decision is kept on the case's row, for every round of the review (CaseLimits).
            Error(path, $"has {steps.Count} steps; a review chain has at most {Cases.CaseLimits.MaxChainSteps}");
        }

        Unique(steps, s => s.Id, path, null, "id");
        for (var i = 0; i < steps.Count; i++)
        {
            var stepPath = ItemPath(path, i);
            Period(steps[i].TimeLimit.Period, MemberPath(MemberPath(stepPath, "timeLimit"), "period"), allowZero: false);
            if (steps[i].IssuesDecision && i != steps.Count - 1)
            {
                Error(MemberPath(stepPath, "issuesDecision"), "must be false: only the last step of a chain issues the decision (exactly one step does)");
            }
        }

        if (!steps[^1].IssuesDecision)
        {
            Error(MemberPath(ItemPath(path, steps.Count - 1), "issuesDecision"), "must be true: the last step of a chain issues the decision (exactly one step does)");
        }
    }

    private void Deadlines(DeadlineRules deadlines)
    {
        if (deadlines.PlanSubmission is { } planSubmission)
        {
            Deadline(planSubmission, "$.deadlines.planSubmission");
        }

        if (deadlines.TransitionPeriod is { } transition)
        {
            Deadline(transition, "$.deadlines.transitionPeriod");
        }
    }

    private void Deadline(Deadline deadline, string path)
    {
        Period(deadline.Period, path + ".period", allowZero: false);
        if (deadline.RemindBefore is { } before)
        {
            var errorsBefore = errors.Count;
            Period(before, path + ".remindBefore", allowZero: false);
            if (errors.Count == errorsBefore && !RemindsWithin(deadline.Period, before))
            {
                Error(path + ".remindBefore", "must be shorter than the deadline's period: the reminder comes while the deadline runs");
            }
        }
    }

    private void LandPrice(LandPriceRules landPrice)
    {
        Unique(landPrice.Bases, b => b.Id, "$.landPrice", "bases", "id");
        for (var i = 0; i < landPrice.Bases.Count; i++)
        {
            Share(landPrice.Bases[i].Share, Path("$.landPrice.bases", i, "share"));
            LandUseCodes(landPrice.Bases[i].ExcludedUses, Path("$.landPrice.bases", i, "excludedUses"));
        }

        Unique(landPrice.NoCharge, c => c.Id, "$.landPrice", "noCharge", "id");
        for (var i = 0; i < landPrice.NoCharge.Count; i++)
        {
            LandUseCodes(landPrice.NoCharge[i].Uses, Path("$.landPrice.noCharge", i, "uses"));
        }
    }

    private void LandUseCodes(IReadOnlyList<string>? codes, string path)
    {
        for (var i = 0; i < (codes?.Count ?? 0); i++)
        {
            if (!landUses.Contains(codes![i]))
            {
                Error(ItemPath(path, i), $"'{codes[i]}' is not a land-use code defined in landUses");
            }
        }
    }

    private void Instalments(InstalmentRules rules)
    {
        if (!rules.Allowed)
        {
            if (rules.FixedSchedule is not null)
            {
                Error("$.instalments.fixedSchedule", "must be absent: instalments are not allowed (allowed: false), so there is no schedule");
            }

            if (rules.DefaultPlan is not null)
            {
                Error("$.instalments.defaultPlan", "must be absent: instalments are not allowed (allowed: false), so there is no schedule");
            }

            if (rules.FirstPaymentAtLeast is not null)
            {
                Error("$.instalments.firstPaymentAtLeast", "must be absent: instalments are not allowed (allowed: false), so the price is paid whole and there is no first payment");
            }

            if (rules.AllWithin is not null)
            {
                Error("$.instalments.allWithin", "must be absent: instalments are not allowed (allowed: false), so there is no period for instalments to fall within");
            }
        }

        InstalmentConditions(rules);

        if (rules.FirstPaymentAtLeast is { } first)
        {
            Share(first, "$.instalments.firstPaymentAtLeast");
        }

        if (rules.AllWithin is { } allWithin)
        {
            Period(allWithin, "$.instalments.allWithin", allowZero: false);
        }

        if (rules.FixedSchedule is { } fixedSchedule)
        {
            Schedule(fixedSchedule, "$.instalments.fixedSchedule");
        }

        if (rules.DefaultPlan is { } defaultPlan)
        {
            Schedule(defaultPlan, "$.instalments.defaultPlan");
        }
    }

    // A consent to instalments, or a list of the transfers that may pay in them, says something only where a contract
    // can pay in instalments: not where they are not allowed, nor under a fixed schedule that falls due all at once.
    private void InstalmentConditions(InstalmentRules rules)
    {
        if (rules.OnlyFor is { } kinds)
        {
            Unique(kinds, k => k.Id, "$.instalments", "onlyFor", "id");
        }

        var never = !rules.Allowed ? "instalments are not allowed (allowed: false)"
            : rules.FixedSchedule is { Count: > 0 } terms && IsZero(terms[^1].DueWithin)
                ? "the fixed schedule falls due whole on the day its periods start (its last term's dueWithin is 0), so the price is always paid at once"
            : null;
        if (never is null)
        {
            return;
        }

        if (rules.ConsentOf is not null)
        {
            Error("$.instalments.consentOf", $"must be absent: {never}, so there are no instalments to consent to");
        }

        if (rules.OnlyFor is not null)
        {
            Error("$.instalments.onlyFor", $"must be absent: {never}, so no transfer may pay in instalments");
        }
    }

    private void Schedule(IReadOnlyList<InstalmentTerm> terms, string path)
    {
        if (terms.Count == 0)
        {
            Error(path, "must have at least one term");
            return;
        }

        var sum = 0m;
        var hasRest = false;
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            var termPath = ItemPath(path, i);
            if (term.Rest)
            {
                hasRest = true;
                if (i != terms.Count - 1)
                {
                    Error(MemberPath(termPath, "rest"), "must be false: only the last term takes the rest (at most one term does)");
                }

                if (term.Share is not null)
                {
                    Error(MemberPath(termPath, "share"), "must be absent on the term that takes the rest");
                }
            }
            else if (term.Share is { } share)
            {
                Share(share, MemberPath(termPath, "share"));
                sum += share;
            }
            else
            {
                Error(MemberPath(termPath, "share"), "is required unless the term takes the rest (rest: true)");
            }

            Period(term.DueWithin, MemberPath(termPath, "dueWithin"), allowZero: true);
            if (i > 0 && IsCertainlyShorter(term.DueWithin, terms[i - 1].DueWithin))
            {
                Error(MemberPath(termPath, "dueWithin"), $"is shorter than the previous term's ({ItemPath(path, i - 1)[2..]}.dueWithin): due periods must not decrease");
            }
        }

        var total = sum.ToString(CultureInfo.InvariantCulture);
        if (hasRest && sum > 1)
        {
            Error(path, $"the shares add up to {total}; with a term that takes the rest they must add up to at most 1");
        }
        else if (!hasRest && sum != 1)
        {
            Error(path, $"the shares add up to {total}; without a term that takes the rest they must add up to exactly 1");
        }
    }

    /// <summary>Checks one rule and the rules inside it.</summary>
    /// <param name="rule">The rule.</param>
    /// <param name="path">Its path.</param>
    /// <param name="checkAttributes">Whether the attributes it names are the survey's (false for plan facts).</param>
    private void Rule(Rule rule, string path, bool checkAttributes)
    {
        ExactlyOne(rule, path);
        if (rule.AllOf is { } allOf)
        {
            Rules(allOf, MemberPath(path, "allOf"), checkAttributes);
        }

        if (rule.AnyOf is { } anyOf)
        {
            Rules(anyOf, MemberPath(path, "anyOf"), checkAttributes);
        }

        if (rule.Not is { } not)
        {
            Rule(not, MemberPath(path, "not"), checkAttributes);
        }

        if (rule.Flag is { } flag && checkAttributes)
        {
            Attribute(flag, AttributeType.Boolean, "flag", MemberPath(path, "flag"));
        }

        LandUseCodes(rule.LandUseIn, MemberPath(path, "landUseIn"));

        if (rule.AttributeIn is { } attributeIn && checkAttributes)
        {
            Attribute(attributeIn.Attribute, AttributeType.String, "attributeIn", MemberPath(MemberPath(path, "attributeIn"), "attribute"));
        }

        if (rule.Compare is { } compare)
        {
            var comparePath = MemberPath(path, "compare");
            ExactlyOne(compare, comparePath);
            if (checkAttributes)
            {
                Attribute(compare.Attribute, AttributeType.Number, "compare", MemberPath(comparePath, "attribute"));
            }
        }

        if (rule.Ratio is { } ratio)
        {
            var ratioPath = MemberPath(path, "ratio");
            ExactlyOne(ratio, ratioPath);
            if (checkAttributes)
            {
                Attribute(ratio.Numerator, AttributeType.Number, "ratio", MemberPath(ratioPath, "numerator"));
                Attribute(ratio.Denominator, AttributeType.Number, "ratio", MemberPath(ratioPath, "denominator"));
            }
        }

        if (rule.Duration is { } duration)
        {
            var durationPath = MemberPath(path, "duration");
            ExactlyOne(duration, durationPath);
            if (checkAttributes)
            {
                Attribute(duration.Since, AttributeType.Date, "duration", MemberPath(durationPath, "since"));
            }

            foreach (var (name, period) in new[] { ("atLeast", duration.AtLeast), ("atMost", duration.AtMost), ("below", duration.Below), ("over", duration.Over) })
            {
                if (period is not null)
                {
                    Period(period, MemberPath(durationPath, name), allowZero: false);
                }
            }
        }
    }

    private void Rules(IReadOnlyList<Rule> rules, string path, bool checkAttributes)
    {
        if (rules.Count == 0)
        {
            Error(path, "must have at least 1 item");
        }

        for (var i = 0; i < rules.Count; i++)
        {
            Rule(rules[i], ItemPath(path, i), checkAttributes);
        }
    }

    private void ExactlyOne(object value, string path)
    {
        var members = PolicySchema.ExactlyOneMembers(value.GetType());
        var present = members.Where(m => m.Get!(value) is not null).Select(m => m.Name).ToList();
        if (present.Count != 1)
        {
            Error(path, ExactlyOneMessage(members.Select(m => m.Name), present));
        }
    }

    private void Attribute(string name, AttributeType expected, string rule, string path)
    {
        var wanted = Name(expected);
        if (!ParcelFields.TryGetValue(name, out var actual) && !attributes.TryGetValue(name, out actual))
        {
            Error(path, $"'{name}' is not {readable} ({rule} needs a {wanted} attribute)");
        }
        else if (actual != expected)
        {
            Error(path, $"'{name}' is a {Name(actual)} attribute; {rule} needs a {wanted} attribute");
        }
    }

    private void Period(Period period, string path, bool allowZero)
    {
        var parts = new[] { ("years", period.Years), ("months", period.Months), ("days", period.Days), ("workingDays", period.WorkingDays) };
        foreach (var (name, value) in parts.Where(p => p.Item2 < 0))
        {
            Error(MemberPath(path, name), "must not be negative");
        }

        if (IsCalendar(period) && period.WorkingDays != 0)
        {
            Error(path, "uses both calendar units (years, months, days) and workingDays: a period is one or the other");
        }
        else if (!allowZero && parts.All(p => p.Item2 == 0))
        {
            Error(path, "must not be zero: give years, months, days or workingDays");
        }
        else if ((long)period.Years * 366 + (long)period.Months * 31 + period.Days > MaxPeriodDays || period.WorkingDays > MaxPeriodWorkingDays)
        {
            // Dates are counted to and from service, surveys and contracts: a period past the calendar would break the count.
            Error(path, "must be at most 100 years (36,600 days, 26,000 working days)");
        }
    }

    private const long MaxPeriodDays = 36_600;
    private const int MaxPeriodWorkingDays = 26_000;

    // Whether a deadline of `period` served on a plain day (no holidays, and its last day not moved off a rest day)
    // reminds after service. Called with `before` already checked (a valid period of at most 100 years).
    private static bool RemindsWithin(Period period, Period before)
    {
        var served = new DateOnly(2025, 1, 8);
        var weekendsOnly = new HolidayCalendar([], []);
        try
        {
            return LegalPeriods.DayBefore(LegalPeriods.LastDay(served, period, weekendsOnly, extendOverRestDays: false), before, weekendsOnly) > served;
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            // The deadline's own period is out of range (reported on its own path): nothing to judge the reminder against.
            return true;
        }
    }

    private void Share(decimal share, string path)
    {
        if (share <= 0 || share > 1)
        {
            Error(path, "must be a share: greater than 0 and at most 1");
        }
    }

    private void Unique<T>(IReadOnlyList<T> items, Func<T, string> key, string parent, string? list, string member)
    {
        var path = list is null ? parent : MemberPath(parent, list);
        var name = list ?? path[(path.LastIndexOf('.') + 1)..];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var value = key(items[i]);
            if (seen.TryGetValue(value, out var first))
            {
                Error(Path(path, i, member), $"'{value}' is already the {member} of {name}[{first}]: each {member} must be unique within {name}");
            }
            else
            {
                seen[value] = i;
            }
        }
    }

    private static bool IsCalendar(Period period) => period.Years != 0 || period.Months != 0 || period.Days != 0;

    private static bool IsNegative(Period period) => period.Years < 0 || period.Months < 0 || period.Days < 0 || period.WorkingDays < 0;

    private static bool IsZero(Period period) => !IsCalendar(period) && period.WorkingDays == 0;

    /// <summary>
    /// Whether <paramref name="later"/> ends before <paramref name="earlier"/> whatever the start date and calendar.
    /// Months vary from 28 to 31 days and working days depend on holidays, so only periods that are certainly
    /// shorter are reported: calendar against calendar by their shortest and longest lengths, working days against
    /// working days, and anything against zero.
    /// </summary>
    private static bool IsCertainlyShorter(Period later, Period earlier)
    {
        if (IsNegative(later) || IsNegative(earlier))
        {
            return false;
        }

        if (IsZero(later) || IsZero(earlier))
        {
            return IsZero(later) && !IsZero(earlier);
        }

        if (!IsCalendar(later) && !IsCalendar(earlier))
        {
            return later.WorkingDays < earlier.WorkingDays;
        }

        if (later.WorkingDays != 0 || earlier.WorkingDays != 0)
        {
            return false;
        }

        return LongestDays(later) < ShortestDays(earlier);
    }

    private static long ShortestDays(Period p)
    {
        var months = (12L * p.Years) + p.Months;
        return (months / 12 * 365) + (months % 12 * 28) + p.Days;
    }

    private static long LongestDays(Period p)
    {
        var months = (12L * p.Years) + p.Months;
        return (months / 12 * 366) + (months % 12 * 31) + p.Days;
    }

    private static string Name(AttributeType type) => type.ToString().ToLowerInvariant();

    private static string Path(string list, int index, string member) => MemberPath(ItemPath(list, index), member);

    private void Error(string path, string message) => errors.Add(new PolicyError(path, message));

    // RFC 6838 restricted names: type/subtype, without parameters.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContentType();
}
