using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Screening;

/// <summary>How a parcel came out of the screening.</summary>
[JsonConverter(typeof(ScreeningOutcomeJsonConverter))]
public enum ScreeningOutcome
{
    /// <summary>At least one criterion is met: the parcel goes to the determination review.</summary>
    Candidate,

    /// <summary>No criterion is met.</summary>
    NotCandidate,

    /// <summary>An exemption is met (e.g. the whitelist); it wins over every criterion.</summary>
    Exempt,

    /// <summary>An exclusion is met (e.g. idle land 闲置土地, handled under other rules).</summary>
    Excluded,

    /// <summary>A precondition is not met (e.g. ownership disputed, or not reported).</summary>
    PreconditionFailed,
}

/// <summary>
/// The screening of one parcel under one policy version: the outcome and, for every rule of the
/// policy, whether it was met and on which values. Stored on the case and returned by the API, so
/// it serializes as plain camelCase JSON.
/// </summary>
public sealed record ScreeningResult
{
    /// <summary>The outcome, by precedence: precondition, exemption, exclusion, criteria.</summary>
    public required ScreeningOutcome Outcome { get; init; }

    /// <summary>True when the parcel is a low-efficiency candidate.</summary>
    public bool IsCandidate => Outcome == ScreeningOutcome.Candidate;

    /// <summary>
    /// The ids of the rules that decided the outcome: the failed preconditions, the met exemptions,
    /// the met exclusions or the met criteria; empty for <see cref="ScreeningOutcome.NotCandidate"/>.
    /// </summary>
    public IReadOnlyList<string> DecidedBy { get; init; } = [];

    /// <summary>Every precondition, in policy order.</summary>
    public IReadOnlyList<RuleOutcome> Preconditions { get; init; } = [];

    /// <summary>Every exemption, in policy order.</summary>
    public IReadOnlyList<RuleOutcome> Exemptions { get; init; } = [];

    /// <summary>Every exclusion, in policy order.</summary>
    public IReadOnlyList<RuleOutcome> Exclusions { get; init; } = [];

    /// <summary>Every criterion, in policy order.</summary>
    public IReadOnlyList<RuleOutcome> Criteria { get; init; } = [];

    /// <summary>Every attribute some rule needed and the parcel lacked, so the field team knows what to add.</summary>
    public IReadOnlyList<string> MissingAttributes { get; init; } = [];

    /// <summary>The declared area against the polygon's, where both are known. Informs the review; never changes the outcome.</summary>
    public AreaCheck? AreaCheck { get; init; }
}

/// <summary>How one rule came out for the parcel.</summary>
public sealed record RuleOutcome
{
    /// <summary>The rule's id.</summary>
    public required string Id { get; init; }

    /// <summary>What the rule says, in the policy's words.</summary>
    public required string Description { get; init; }

    /// <summary>The article it comes from.</summary>
    public required string Source { get; init; }

    /// <summary>
    /// True only when the rule holds on known values. A rule that depends on a missing attribute
    /// is not met — also under <c>not</c> — so that an unreported fact never decides anything.
    /// </summary>
    public required bool Met { get; init; }

    /// <summary>The values the rule read, by attribute name.</summary>
    public IReadOnlyDictionary<string, AttributeValue> Values { get; init; } = new Dictionary<string, AttributeValue>();

    /// <summary>The attributes the rule needed and the parcel lacked.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>The facts that decided it, e.g. "floorAreaRatio 0.85 &lt; 0.6 × planFloorAreaRatioLowerLimit 1.5 = 0.90".</summary>
    public required string Explanation { get; init; }
}

/// <summary>The surveyed (declared) area compared with the area of the parcel's polygon.</summary>
public sealed record AreaCheck
{
    /// <summary>The area the survey declares, in m².</summary>
    public required decimal DeclaredAreaM2 { get; init; }

    /// <summary>The area computed from the polygon, in m².</summary>
    public required decimal ComputedAreaM2 { get; init; }

    /// <summary>|declared − computed| / declared, rounded to six places.</summary>
    public required decimal RelativeDifference { get; init; }

    /// <summary>The policy's tolerance (e.g. 0.05).</summary>
    public required decimal Tolerance { get; init; }

    /// <summary>False when the difference is above the tolerance: the review should look at the survey.</summary>
    public required bool WithinTolerance { get; init; }
}

/// <summary>Outcomes as camelCase strings whatever options the caller serializes with.</summary>
internal sealed class ScreeningOutcomeJsonConverter() : JsonStringEnumConverter<ScreeningOutcome>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
