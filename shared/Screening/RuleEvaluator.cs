using System.Globalization;
using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Screening;

/// <summary>
/// Kleene three-valued truth. A leaf over a missing attribute is Unknown rather than false so that
/// <c>not</c> cannot turn an unreported fact into a met condition; only True counts as met.
/// </summary>
internal enum Truth
{
    False,
    True,
    Unknown,
}

/// <summary>
/// Evaluates one rule tree for one parcel, recording every value it reads and every attribute it
/// misses. Every branch is evaluated (no short-circuit) so the record is complete for the review.
/// </summary>
internal sealed class RuleEvaluator(ScreeningInput input, string ruleId)
{
    private readonly Dictionary<string, AttributeValue> values = new(StringComparer.Ordinal);
    private readonly List<string> missing = [];

    public IReadOnlyDictionary<string, AttributeValue> Values => values;

    public IReadOnlyList<string> Missing => missing;

    public Evaluated Evaluate(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var set = CountSet(rule);
        if (set != 1)
        {
            throw new ScreeningRuleException(ruleId, $"a rule must set exactly one of allOf, anyOf, not, flag, landUseIn, attributeIn, compare, ratio, duration; this one sets {set}.");
        }

        if (rule.AllOf is { } allOf)
        {
            return Combine(allOf, "allOf", all: true);
        }

        if (rule.AnyOf is { } anyOf)
        {
            return Combine(anyOf, "anyOf", all: false);
        }

        if (rule.Not is { } inner)
        {
            // The facts under a negation read the same; only the verdict flips (and Unknown stays Unknown).
            var evaluated = Evaluate(inner);
            var truth = evaluated.Truth switch
            {
                Truth.True => Truth.False,
                Truth.False => Truth.True,
                _ => Truth.Unknown,
            };
            return evaluated with { Truth = truth };
        }

        if (rule.Flag is { } flag)
        {
            return Flag(flag);
        }

        if (rule.LandUseIn is { } landUses)
        {
            return OneOf(ScreeningInput.LandUseName, landUses);
        }

        if (rule.AttributeIn is { } attributeIn)
        {
            return OneOf(attributeIn.Attribute, attributeIn.Values);
        }

        if (rule.Compare is { } compare)
        {
            return Compare(compare);
        }

        if (rule.Ratio is { } ratio)
        {
            return Ratio(ratio);
        }

        return Duration(rule.Duration!);
    }

    private static int CountSet(Rule rule) =>
        (rule.AllOf is null ? 0 : 1) + (rule.AnyOf is null ? 0 : 1) + (rule.Not is null ? 0 : 1) +
        (rule.Flag is null ? 0 : 1) + (rule.LandUseIn is null ? 0 : 1) + (rule.AttributeIn is null ? 0 : 1) +
        (rule.Compare is null ? 0 : 1) + (rule.Ratio is null ? 0 : 1) + (rule.Duration is null ? 0 : 1);

    private Evaluated Combine(IReadOnlyList<Rule> rules, string name, bool all)
    {
        if (rules.Count == 0)
        {
            // An empty allOf would be vacuously met, i.e. a criterion every parcel meets.
            throw new ScreeningRuleException(ruleId, $"{name} needs at least one rule.");
        }

        var parts = rules.Select(Evaluate).ToList();
        var decisive = all ? Truth.False : Truth.True;
        Truth truth;
        IEnumerable<Evaluated> shown;
        if (parts.Any(p => p.Truth == decisive))
        {
            // Only the parts that decided it: the failing ones of an allOf, the holding ones of an anyOf.
            truth = decisive;
            shown = parts.Where(p => p.Truth == decisive);
        }
        else if (parts.Any(p => p.Truth == Truth.Unknown))
        {
            truth = Truth.Unknown;
            shown = all ? parts.Where(p => p.Truth == Truth.Unknown) : parts;
        }
        else
        {
            truth = all ? Truth.True : Truth.False;
            shown = parts;
        }

        var deciding = shown.ToList();
        if (deciding.Count == 1)
        {
            // One deciding part explains the whole; brackets would only add noise.
            return deciding[0] with { Truth = truth };
        }

        var texts = deciding.Select(p => p.IsCompound ? $"({p.Explanation})" : p.Explanation);
        return new Evaluated(truth, string.Join("; ", texts), IsCompound: true);
    }

    private Evaluated Flag(string name)
    {
        if (Read(name, AttributeType.Boolean) is not { } value)
        {
            return Unknown(name);
        }

        var flag = value.AsBoolean();
        return Leaf(flag, $"{name} is {value}");
    }

    private Evaluated OneOf(string name, IReadOnlyList<string> allowed)
    {
        if (Read(name, AttributeType.String) is not { } value)
        {
            return Unknown(name);
        }

        var text = value.AsString();
        var holds = allowed.Contains(text, StringComparer.Ordinal);
        return Leaf(holds, $"{name} {text} {(holds ? "in" : "not in")} [{string.Join(", ", allowed)}]");
    }

    private Evaluated Compare(CompareRule rule)
    {
        var (comparator, threshold) = Pick(rule.AtLeast, rule.AtMost, rule.Below, rule.Over, "compare");
        if (Read(rule.Attribute, AttributeType.Number) is not { } value)
        {
            return Unknown(rule.Attribute);
        }

        var holds = Holds(value.AsNumber(), comparator, threshold);
        return Leaf(holds, $"{rule.Attribute} {value} {Symbol(comparator, holds)} {Number(threshold)}");
    }

    private Evaluated Ratio(RatioRule rule)
    {
        var (comparator, share) = Pick(rule.AtLeast, rule.AtMost, rule.Below, rule.Over, "ratio");
        var numerator = Read(rule.Numerator, AttributeType.Number);
        var denominator = Read(rule.Denominator, AttributeType.Number);
        if (numerator is null || denominator is null)
        {
            string[] absent = [.. numerator is null ? [rule.Numerator] : Array.Empty<string>(), .. denominator is null ? [rule.Denominator] : Array.Empty<string>()];
            return Unknown(absent);
        }

        // decimal keeps 0.6 × 1.5 at exactly 0.90, so a value on the boundary is never "below" by rounding.
        var threshold = share * denominator.AsNumber();
        var holds = Holds(numerator.AsNumber(), comparator, threshold);
        return Leaf(holds, $"{rule.Numerator} {numerator} {Symbol(comparator, holds)} {Number(share)} × {rule.Denominator} {denominator} = {Number(threshold)}");
    }

    private Evaluated Duration(DurationRule rule)
    {
        var (comparator, period) = Pick(rule.AtLeast, rule.AtMost, rule.Below, rule.Over, "duration");
        var since = Read(rule.Since, AttributeType.Date);
        if (since is null)
        {
            return Unknown(rule.Since);
        }

        var surveyedOn = Read(ScreeningInput.SurveyedOnName, AttributeType.Date)!.AsDate();

        DateOnly lastDay;
        try
        {
            lastDay = ScreeningPeriods.LastDay(since.AsDate(), period);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new ScreeningRuleException(ruleId, e.Message, e);
        }

        var holds = comparator switch
        {
            Comparator.AtLeast => ScreeningPeriods.HasElapsed(since.AsDate(), period, surveyedOn),
            Comparator.Below => !ScreeningPeriods.HasElapsed(since.AsDate(), period, surveyedOn),
            Comparator.Over => ScreeningPeriods.HasRunPast(since.AsDate(), period, surveyedOn),
            _ => !ScreeningPeriods.HasRunPast(since.AsDate(), period, surveyedOn),
        };
        var words = ScreeningPeriods.Describe(period);
        return Leaf(holds, $"{rule.Since} {since} + {words} ends {lastDay:yyyy-MM-dd}; {ScreeningInput.SurveyedOnName} {surveyedOn:yyyy-MM-dd}: elapsed {Symbol(comparator, holds)} {words}");
    }

    private (Comparator Comparator, T Operand) Pick<T>(T? atLeast, T? atMost, T? below, T? over, string kind)
        where T : class
    {
        var set = new (Comparator, T?)[] { (Comparator.AtLeast, atLeast), (Comparator.AtMost, atMost), (Comparator.Below, below), (Comparator.Over, over) }
            .Where(c => c.Item2 is not null)
            .ToList();
        return set.Count == 1
            ? (set[0].Item1, set[0].Item2!)
            : throw new ScreeningRuleException(ruleId, $"a {kind} must set exactly one of atLeast, atMost, below, over; this one sets {set.Count}.");
    }

    private (Comparator Comparator, decimal Operand) Pick(decimal? atLeast, decimal? atMost, decimal? below, decimal? over, string kind)
    {
        var set = new (Comparator, decimal?)[] { (Comparator.AtLeast, atLeast), (Comparator.AtMost, atMost), (Comparator.Below, below), (Comparator.Over, over) }
            .Where(c => c.Item2.HasValue)
            .ToList();
        return set.Count == 1
            ? (set[0].Item1, set[0].Item2!.Value)
            : throw new ScreeningRuleException(ruleId, $"a {kind} must set exactly one of atLeast, atMost, below, over; this one sets {set.Count}.");
    }

    private static bool Holds(decimal value, Comparator comparator, decimal threshold) => comparator switch
    {
        Comparator.AtLeast => value >= threshold,
        Comparator.AtMost => value <= threshold,
        Comparator.Below => value < threshold,
        _ => value > threshold,
    };

    private static string Symbol(Comparator comparator, bool holds)
    {
        var symbol = comparator switch
        {
            Comparator.AtLeast => "≥",
            Comparator.AtMost => "≤",
            Comparator.Below => "<",
            _ => ">",
        };
        return holds ? symbol : $"not {symbol}";
    }

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private AttributeValue? Read(string name, AttributeType type)
    {
        var value = name switch
        {
            ScreeningInput.LandUseName => AttributeValue.Of(input.LandUse),
            ScreeningInput.DistrictName => AttributeValue.Of(input.District),
            ScreeningInput.ZoneName => input.Zone is { } zone ? AttributeValue.Of(zone) : null,
            ScreeningInput.SurveyedOnName => AttributeValue.Of(input.SurveyedOn),
            ScreeningInput.ParcelAreaName => input.ParcelAreaM2 is { } area ? AttributeValue.Of(area) : null,
            _ => input.Attributes.GetValueOrDefault(name),
        };

        if (value is null)
        {
            if (!missing.Contains(name, StringComparer.Ordinal))
            {
                missing.Add(name);
            }

            return null;
        }

        if (value.Type != type)
        {
            // A policy reading a number as a flag is a defect to surface, not a parcel fact to screen on.
            throw new ScreeningRuleException(ruleId, $"it reads '{name}' as a {Kind(type)}, but the parcel's value {value} is a {Kind(value.Type)}.");
        }

        values[name] = value;
        return value;
    }

    private static string Kind(AttributeType type) => type.ToString().ToLowerInvariant();

    private static Evaluated Leaf(bool holds, string explanation) => new(holds ? Truth.True : Truth.False, explanation, IsCompound: false);

    private static Evaluated Unknown(params string[] names) =>
        new(Truth.Unknown, names.Length == 1 ? $"{names[0]} missing" : $"{string.Join(", ", names)} missing", IsCompound: false);

    private enum Comparator
    {
        AtLeast,
        AtMost,
        Below,
        Over,
    }
}

/// <summary>A rule's truth and the facts that decided it.</summary>
internal readonly record struct Evaluated(Truth Truth, string Explanation, bool IsCompound);
