using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;

namespace LandRedevelopment.Shared.Tests.Screening;

/// <summary>Terse builders for rules, parcels and minimal policies.</summary>
internal static class Kit
{
    public static Rule Flag(string name) => new() { Flag = name };
    public static Rule All(params Rule[] rules) => new() { AllOf = rules };
    public static Rule Any(params Rule[] rules) => new() { AnyOf = rules };
    public static Rule Not(Rule rule) => new() { Not = rule };
    public static Rule LandUseIn(params string[] codes) => new() { LandUseIn = codes };
    public static Rule In(string attribute, params string[] values) => new() { AttributeIn = new AttributeInRule { Attribute = attribute, Values = values } };
    public static Rule Compare(CompareRule compare) => new() { Compare = compare };
    public static Rule Ratio(RatioRule ratio) => new() { Ratio = ratio };
    public static Rule Duration(DurationRule duration) => new() { Duration = duration };

    public static NamedRule Named(string id, Rule rule) => new() { Id = id, Description = id, Source = "test", Rule = rule };

    public static ScreeningInput Parcel(string landUse = "industrial", string surveyedOn = "2026-06-01", string district = "白碱滩区",
        string? zone = null, decimal? parcelAreaM2 = null, params (string Name, AttributeValue Value)[] attributes) => new()
        {
            LandUse = landUse,
            District = district,
            Zone = zone,
            SurveyedOn = DateOnly.Parse(surveyedOn, System.Globalization.CultureInfo.InvariantCulture),
            ParcelAreaM2 = parcelAreaM2,
            Attributes = attributes.ToDictionary(a => a.Name, a => a.Value),
        };

    public static ScreeningInput With(this ScreeningInput input, string name, AttributeValue value)
    {
        var attributes = new Dictionary<string, AttributeValue>(input.Attributes) { [name] = value };
        return input with { Attributes = attributes };
    }

    public static ScreeningInput Without(this ScreeningInput input, string name) =>
        input with { Attributes = input.Attributes.Where(a => a.Key != name).ToDictionary(a => a.Key, a => a.Value) };

    public static DateOnly Day(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static Period Years(int years) => new() { Years = years };
    public static Period Months(int months) => new() { Months = months };
    public static Period Days(int days) => new() { Days = days };

    /// <summary>Evaluates one bare rule as a criterion.</summary>
    public static RuleOutcome Eval(Rule rule, ScreeningInput input) => ScreeningEngine.Evaluate(Named("r", rule), input);

    public static PolicyDocument Policy(
        IReadOnlyList<NamedRule>? preconditions = null,
        IReadOnlyList<NamedRule>? exemptions = null,
        IReadOnlyList<NamedRule>? exclusions = null,
        IReadOnlyList<NamedRule>? criteria = null) => new()
        {
            Name = "test",
            Jurisdiction = "test",
            LandUses = [new LandUseClass { Code = "industrial", Name = "工业用地" }],
            Attributes = [],
            Screening = new ScreeningRules
            {
                Preconditions = preconditions ?? [],
                Exemptions = exemptions ?? [],
                Exclusions = exclusions ?? [],
                Criteria = criteria ?? [],
            },
            Review = new ReviewRules
            {
                DeterminationChains = [],
                Escalation = new Escalation { NotifyRole = "city-bureau" },
            },
            Deadlines = new DeadlineRules(),
            LandPrice = new LandPriceRules { Bases = [] },
            Instalments = new InstalmentRules { Allowed = false, Source = "test" },
        };
}
