using System.ComponentModel;
using LandRedevelopment.Calendars;

namespace LandRedevelopment.Policies;

/// <summary>
/// A tenant city's policy: which parcels count as low-efficiency, how they are reviewed, the legal
/// deadlines, and the land-price and instalment rules. Pure data, versioned per tenant; a case keeps
/// the version it started under. Every rule cites the article it comes from.
/// </summary>
[Description("A city's low-efficiency land policy. Every rule cites its source article.")]
public sealed record PolicyDocument
{
    [Description("Version of this document format. Always 1.")]
    [SchemaConst(1)]
    public int SchemaVersion { get; init; } = 1;

    [Description("Title of the policy, e.g. 《克拉玛依市低效用地管理办法》.")]
    public required string Name { get; init; }

    [Description("The jurisdiction the policy governs, e.g. 克拉玛依市.")]
    public required string Jurisdiction { get; init; }

    [Description("The documents the rules come from, with their dates and status.")]
    public IReadOnlyList<PolicySource> Sources { get; init; } = [];

    [Description("Land use classes the policy names. Surveys and rules refer to them by code.")]
    [SchemaMinItems(1)]
    public required IReadOnlyList<LandUseClass> LandUses { get; init; }

    [Description("The survey attributes the rules read, with their types.")]
    public required IReadOnlyList<AttributeDefinition> Attributes { get; init; }

    [Description("How a surveyed parcel is screened as a low-efficiency candidate.")]
    public required ScreeningRules Screening { get; init; }

    [Description("The review chains that determine a parcel, and that review a redevelopment plan.")]
    public required ReviewRules Review { get; init; }

    [Description("Legal deadlines that start with events of a case.")]
    public required DeadlineRules Deadlines { get; init; }

    [Description("When the government reclaims the land (e.g. 克拉玛依 art. 9).")]
    public IReadOnlyList<NamedRule> Reclamation { get; init; } = [];

    [Description("How the land price of a redevelopment is computed.")]
    public required LandPriceRules LandPrice { get; init; }

    [Description("Whether and how the land price may be paid in instalments.")]
    public required InstalmentRules Instalments { get; init; }

    [Description("Limits on survey submissions (area tolerance, geometry size).")]
    public SurveyRules Survey { get; init; } = new();

    [Description("What evidence files a survey may carry.")]
    public EvidenceRules Evidence { get; init; } = new();
}

/// <summary>A document the policy's rules come from.</summary>
[Description("A document the policy's rules come from.")]
public sealed record PolicySource
{
    [Description("Short id used in citations, e.g. 克拉玛依.")]
    public required string Id { get; init; }

    [Description("Full title of the document.")]
    public required string Title { get; init; }

    [Description("Date issued or published.")]
    public DateOnly? Issued { get; init; }

    [Description("Date the document takes effect.")]
    public DateOnly? InForce { get; init; }

    [Description("Last day the document is valid, where it says.")]
    public DateOnly? ValidUntil { get; init; }

    [Description("Status: in force, pilot, or draft for comment.")]
    public SourceStatus Status { get; init; } = SourceStatus.InForce;
}

/// <summary>The legal status of a source document.</summary>
public enum SourceStatus
{
    InForce,
    Pilot,
    DraftForComment,
}

/// <summary>A land use class, e.g. industrial (工业用地).</summary>
[Description("A land use class, e.g. industrial (工业用地).")]
public sealed record LandUseClass
{
    [Description("Code used by surveys and rules, lower-case, e.g. industrial.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Code { get; init; }

    [Description("The name in the policy's language, e.g. 工业用地.")]
    public required string Name { get; init; }
}

/// <summary>The type of a survey attribute.</summary>
public enum AttributeType
{
    Boolean,
    Number,
    Date,
    String,
}

/// <summary>A fact a survey reports about a parcel and the rules read (e.g. idleSince, floorAreaRatio).</summary>
[Description("A fact a survey reports about a parcel and the rules read (e.g. idleSince, floorAreaRatio).")]
public sealed record AttributeDefinition
{
    [Description("Attribute name as it appears in a survey's attributes object (camelCase).")]
    [SchemaPattern(SchemaPatternAttribute.CamelCaseName)]
    public required string Name { get; init; }

    [Description("Its type: boolean, number, date (yyyy-MM-dd) or string.")]
    public required AttributeType Type { get; init; }

    [Description("What it means, for the field team.")]
    public required string Description { get; init; }

    [Description("Unit of a number, e.g. m², storeys.")]
    public string? Unit { get; init; }

    [Description("The least a number may be (e.g. 0 for an area or a floor-area ratio); a survey or plan stating less is refused.")]
    public decimal? Minimum { get; init; }

    [Description("The most a number may be; a survey or plan stating more is refused.")]
    public decimal? Maximum { get; init; }
}

/// <summary>The screening rules: preconditions, exemptions, exclusions and the criteria.</summary>
[Description("The screening rules: preconditions, exemptions, exclusions and the criteria.")]
public sealed record ScreeningRules
{
    [Description("Must all hold for a parcel to be considered at all (e.g. ownership clear and undisputed).")]
    public IReadOnlyList<NamedRule> Preconditions { get; init; } = [];

    [Description("A parcel meeting any of these is never low-efficiency (e.g. the exemption whitelist). Exemption wins over every criterion.")]
    public IReadOnlyList<NamedRule> Exemptions { get; init; } = [];

    [Description("A parcel meeting any of these is outside the programme (e.g. idle land 闲置土地, handled under other rules).")]
    public IReadOnlyList<NamedRule> Exclusions { get; init; } = [];

    [Description("A parcel meeting any one of these is a low-efficiency candidate.")]
    [SchemaMinItems(1)]
    public required IReadOnlyList<NamedRule> Criteria { get; init; }
}

/// <summary>A rule with its id, meaning and source article.</summary>
[Description("A rule with its id, meaning and source article.")]
public sealed record NamedRule
{
    [Description("Stable id, unique within its list, e.g. art4-2-idle.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("What the rule says, in the policy's words.")]
    public required string Description { get; init; }

    [Description("The article it comes from, e.g. 克拉玛依 art. 4(2).")]
    public required string Source { get; init; }

    [Description("The condition, in the rule language.")]
    public required Rule Rule { get; init; }
}

/// <summary>
/// The rule language: exactly one member is set. Comparisons are explicit — atLeast (≥), atMost (≤),
/// below (&lt;), over (&gt;) — so that 以上/以下 (inclusive) and 低于/超过 (exclusive) hold at the boundary.
/// </summary>
[Description("One condition: exactly one member is set.")]
[SchemaExactlyOne]
public sealed record Rule
{
    [Description("All of these hold.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<Rule>? AllOf { get; init; }

    [Description("At least one of these holds.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<Rule>? AnyOf { get; init; }

    [Description("This does not hold.")]
    public Rule? Not { get; init; }

    [Description("A boolean attribute is true.")]
    public string? Flag { get; init; }

    [Description("The parcel's land use is one of these codes.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<string>? LandUseIn { get; init; }

    [Description("A string attribute (or the parcel's district or zone) is one of these values.")]
    public AttributeInRule? AttributeIn { get; init; }

    [Description("A number attribute compared with a constant.")]
    public CompareRule? Compare { get; init; }

    [Description("One number attribute compared with a share of another (numerator vs. threshold × denominator).")]
    public RatioRule? Ratio { get; init; }

    [Description("How long since a date attribute, measured at the survey date with the legal-period rules.")]
    public DurationRule? Duration { get; init; }
}

/// <summary>A string attribute is one of several values.</summary>
[Description("A string attribute (or the parcel's district or zone) is one of several values.")]
public sealed record AttributeInRule
{
    [Description("A string attribute, or district or zone (the parcel's own fields).")]
    public required string Attribute { get; init; }

    [Description("The values that satisfy the rule.")]
    [SchemaMinItems(1)]
    public required IReadOnlyList<string> Values { get; init; }
}

/// <summary>A number attribute against a constant: exactly one comparator is set.</summary>
[Description("A number attribute compared with a constant: exactly one comparator is set.")]
[SchemaExactlyOne(nameof(AtLeast), nameof(AtMost), nameof(Below), nameof(Over))]
public sealed record CompareRule
{
    [Description("A number attribute.")]
    public required string Attribute { get; init; }

    [Description("≥ (以上, 不少于).")] public decimal? AtLeast { get; init; }
    [Description("≤ (以下, 不超过).")] public decimal? AtMost { get; init; }
    [Description("< (低于, 不足).")] public decimal? Below { get; init; }
    [Description("> (超过, 高于).")] public decimal? Over { get; init; }
}

/// <summary>numerator compared with threshold × denominator, exactly (decimal arithmetic): exactly one comparator is set.</summary>
[Description("numerator compared with threshold × denominator, in exact decimal arithmetic: exactly one comparator is set.")]
[SchemaExactlyOne(nameof(AtLeast), nameof(AtMost), nameof(Below), nameof(Over))]
public sealed record RatioRule
{
    [Description("A number attribute, e.g. floorAreaRatio.")]
    public required string Numerator { get; init; }

    [Description("A number attribute, e.g. planFloorAreaRatioLowerLimit, or parcelAreaM2 for the parcel's computed area.")]
    public required string Denominator { get; init; }

    [Description("numerator ≥ share × denominator.")] public decimal? AtLeast { get; init; }
    [Description("numerator ≤ share × denominator.")] public decimal? AtMost { get; init; }
    [Description("numerator < share × denominator.")] public decimal? Below { get; init; }
    [Description("numerator > share × denominator.")] public decimal? Over { get; init; }
}

/// <summary>The time since a date attribute, measured at the survey date: exactly one comparator is set.</summary>
[Description("The time since a date attribute, measured at the survey date: exactly one comparator is set.")]
[SchemaExactlyOne(nameof(AtLeast), nameof(AtMost), nameof(Below), nameof(Over))]
public sealed record DurationRule
{
    [Description("A date attribute, e.g. idleSince.")]
    public required string Since { get; init; }

    [Description("The period has fully run (以上: the number included).")] public Period? AtLeast { get; init; }
    [Description("The period has not run past (以下).")] public Period? AtMost { get; init; }
    [Description("The period has not fully run (不足).")] public Period? Below { get; init; }
    [Description("More than the period has run (超过).")] public Period? Over { get; init; }
}

/// <summary>The review chains.</summary>
[Description("The review chains, reminders and escalation.")]
public sealed record ReviewRules
{
    [Description("Chains that determine whether a parcel is low-efficiency. The first whose 'when' holds (or that has none) is used.")]
    [SchemaMinItems(1)]
    public required IReadOnlyList<ReviewChain> DeterminationChains { get; init; }

    [Description("Chains that review a land user's redevelopment plan, chosen the same way.")]
    public IReadOnlyList<ReviewChain> PlanChains { get; init; } = [];

    [Description("Conditions a plan must satisfy before its approval (e.g. 中卫 soil-pollution survey).")]
    public IReadOnlyList<PlanGate> PlanGates { get; init; } = [];

    [Description("Facts every redevelopment plan must state (in the plan's 'attributes'), for plan gates, plan chains and plan conditions to read, e.g. whether the original land user carries out the redevelopment (中卫 section 5(2)). Named apart from the survey's attributes.")]
    public IReadOnlyList<AttributeDefinition> PlanAttributes { get; init; } = [];

    [Description("Conditions a plan's facts must meet when it is submitted or revised, e.g. 中卫 section 4(5): scattered plots joined to a project at most 10 % of its total area. A strict condition the plan breaks refuses it; one the source states only in principle (原则上) takes the plan and records the departure with it, for the officers who decide it.")]
    public IReadOnlyList<PlanCondition> PlanConditions { get; init; } = [];

    [Description("When officers are reminded before a step's time limit runs out.")]
    public Period ReminderBefore { get; init; } = new() { WorkingDays = 2 };

    [Description("Who is told when a step's time limit runs out.")]
    public required Escalation Escalation { get; init; }
}

/// <summary>An ordered chain of review steps.</summary>
[Description("An ordered chain of review steps; the last step issues the decision.")]
public sealed record ReviewChain
{
    [Description("Stable id, e.g. standard, park-committee, green-channel.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("Name, e.g. 区自然资源局调查 → 区政府确认 → 市局复核 → 区局认定.")]
    public required string Name { get; init; }

    [Description("The article that sets this chain.")]
    public required string Source { get; init; }

    [Description("When this chain applies; absent means always (use it for the last, default chain).")]
    public Rule? When { get; init; }

    [Description("The steps, in order.")]
    [SchemaMinItems(1)]
    public required IReadOnlyList<ReviewStep> Steps { get; init; }
}

/// <summary>One review step: who decides it and by when.</summary>
[Description("One review step: who decides it and by when.")]
public sealed record ReviewStep
{
    [Description("Stable id within the chain, e.g. district-investigation.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("Name, e.g. 区自然资源局调查认定.")]
    public required string Name { get; init; }

    [Description("The officer role that decides it; {district} is replaced by the case's district, e.g. district-bureau:{district}.")]
    public required string Role { get; init; }

    [Description("How long the step may take.")]
    public required TimeLimit TimeLimit { get; init; }

    [Description("The article that sets this step.")]
    public required string Source { get; init; }

    [Description("True for the step that issues the written determination (or plan decision) to be served.")]
    public bool IssuesDecision { get; init; }
}

/// <summary>A step's time limit.</summary>
[Description("A step's time limit.")]
public sealed record TimeLimit
{
    [Description("The period, in calendar or working days.")]
    public required Period Period { get; init; }

    [Description("True when the source sets no limit and this is the service's configurable default.")]
    public bool IsDefault { get; init; }

    [Description("Where the limit comes from, or why it is a default.")]
    public string? Source { get; init; }
}

/// <summary>What happens when a step runs over its time limit.</summary>
[Description("What happens when a step runs over its time limit.")]
public sealed record Escalation
{
    [Description("The supervising role told when a step is overdue, e.g. city-bureau.")]
    public required string NotifyRole { get; init; }

    [Description("Where the rule comes from, or why it is a default.")]
    public string? Source { get; init; }
}

/// <summary>A condition a plan must satisfy before it may be approved.</summary>
[Description("A condition a plan must satisfy before it may be approved.")]
public sealed record PlanGate
{
    [Description("Stable id, e.g. soil-pollution-survey.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("What the gate requires.")]
    public required string Description { get; init; }

    [Description("The article that sets it.")]
    public required string Source { get; init; }

    [Description("When the gate applies, over the plan's facts (e.g. newLandUse in housing or public administration).")]
    public required Rule When { get; init; }

    [Description("The evidence document kind that must be on file, e.g. soil-survey.")]
    public required string RequiredDocument { get; init; }

    [Description("Roles that must each approve the document.")]
    public IReadOnlyList<string> ApprovedBy { get; init; } = [];
}

/// <summary>A condition a plan's facts must meet; its rule states what must hold.</summary>
[Description("A condition a plan's facts must meet when it is submitted or revised; its rule states what must hold.")]
public sealed record PlanCondition
{
    [Description("Stable id, e.g. scattered-plots-share.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("What the condition says, in the policy's words.")]
    public required string Description { get; init; }

    [Description("The article that sets it, e.g. 中卫 section 4(5).")]
    public required string Source { get; init; }

    [Description("What must hold, read like a plan gate's 'when': over the plan's facts (newLandUse, greenChannel and the plan attributes) and the parcel's own fields (district, zone, parcelAreaM2). A condition whose facts are missing does not hold.")]
    public required Rule Rule { get; init; }

    [Description("True: a plan that breaks it is refused (422 plan-condition) and nothing is recorded. False: the source states it only in principle (原则上): the plan is taken, and the departure is recorded with it and named in the decision mails of its steps.")]
    public required bool Strict { get; init; }
}

/// <summary>The events a deadline can start from.</summary>
public enum DeadlineStart
{
    DeterminationServed,
    PlanApproved,
    PlanFiled,
    ContractSigned,
    ContractEffective,
}

/// <summary>The legal deadlines.</summary>
[Description("The legal deadlines.")]
public sealed record DeadlineRules
{
    [Description("Time to submit a redevelopment plan; when it runs out without a plan the case goes to reclamation.")]
    public Deadline? PlanSubmission { get; init; }

    [Description("Transition period during which the land user keeps the land and its planning conditions.")]
    public Deadline? TransitionPeriod { get; init; }
}

/// <summary>A deadline: a period from an event.</summary>
[Description("A deadline: a period from an event.")]
public sealed record Deadline
{
    [Description("The period.")]
    public required Period Period { get; init; }

    [Description("The event it runs from.")]
    public required DeadlineStart StartsAt { get; init; }

    [Description("The article that sets it.")]
    public required string Source { get; init; }

    [Description("How long before the deadline ends the officers are reminded (the moment that much time remains, as a step's reminder): for the plan submission, the officers who issued the determination, that no plan has come (30 days when not set); for the transition period, the officers who approved the plan, that it is ending (3 months when not set). The defaults are the service's: the sources set no reminder. Shorter than the period.")]
    public Period? RemindBefore { get; init; }
}

/// <summary>How a supplementary land price is computed.</summary>
public enum PriceFormula
{
    /// <summary>share × appraisal under the new conditions.</summary>
    ShareOfNewAppraisal,

    /// <summary>share × (appraisal under the new conditions − appraisal under the original ones).</summary>
    ShareOfAppraisalDifference,

    /// <summary>share × posted land price (公示地价).</summary>
    ShareOfPostedPrice,
}

/// <summary>The land-price rules.</summary>
[Description("The land-price rules.")]
public sealed record LandPriceRules
{
    [Description("Price bases a contract may use; the contract names one.")]
    [SchemaMinItems(1)]
    public required IReadOnlyList<PriceBasis> Bases { get; init; }

    [Description("Cases that pay no (extra) land price.")]
    public IReadOnlyList<NoChargeCase> NoCharge { get; init; } = [];
}

/// <summary>One way of computing the price.</summary>
[Description("One way of computing the land price.")]
public sealed record PriceBasis
{
    [Description("Stable id, e.g. new-conditions-70.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("What it is, in the policy's words.")]
    public required string Description { get; init; }

    [Description("The formula.")]
    public required PriceFormula Formula { get; init; }

    [Description("The share applied, 0 < share ≤ 1 (e.g. 0.7).")]
    [SchemaRange(0, 1, exclusiveMinimum: true)]
    public required decimal Share { get; init; }

    [Description("Both appraisals must have the same valuation date (中卫 4(1)).")]
    public bool SameValuationDate { get; init; }

    [Description("Land uses after redevelopment (codes from landUses) this basis does not apply to, e.g. commercial-housing where the policy says 商品住宅除外.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<string>? ExcludedUses { get; init; }

    [Description("The article that sets it.")]
    public required string Source { get; init; }
}

/// <summary>A case that pays no extra land price.</summary>
[Description("A case that pays no extra land price.")]
public sealed record NoChargeCase
{
    [Description("Stable id a contract claims, e.g. industrial-far-increase.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("The case, in the policy's words.")]
    public required string Description { get; init; }

    [Description("The article that sets it.")]
    public required string Source { get; init; }

    [Description("Free only without a change of use (e.g. raising the floor-area ratio of industrial land): a contract that changes the use cannot claim it.")]
    public bool RequiresSameUse { get; init; }

    [Description("The land uses (codes from landUses) the case is for, e.g. industrial where the policy says 工业用地: the land's use before redevelopment must be one of them. Absent: any use.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<string>? Uses { get; init; }
}

/// <summary>When an instalment schedule's periods are counted from.</summary>
public enum InstalmentStart
{
    ContractSigned,
    ContractEffective,
}

/// <summary>The instalment rules.</summary>
[Description("Whether and how the land price may be paid in instalments.")]
public sealed record InstalmentRules
{
    [Description("Whether the price may be paid in instalments at all.")]
    public required bool Allowed { get; init; }

    [Description("What the periods are counted from.")]
    public InstalmentStart CountFrom { get; init; } = InstalmentStart.ContractSigned;

    [Description("The first payment is at least this share of the amount due (e.g. 0.5).")]
    [SchemaRange(0, 1, exclusiveMinimum: true)]
    public decimal? FirstPaymentAtLeast { get; init; }

    [Description("Everything is paid within this period.")]
    public Period? AllWithin { get; init; }

    [Description("A schedule fixed by the policy (e.g. 中卫: 20 % on signing, 50 % within a month, the rest within a year).")]
    [SchemaMinItems(1)]
    public IReadOnlyList<InstalmentTerm>? FixedSchedule { get; init; }

    [Description("The schedule used when the land user asks for none and the policy fixes none.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<InstalmentTerm>? DefaultPlan { get; init; }

    [Description("Whose consent instalments need, e.g. city-government (克拉玛依 art. 8(1) 报市人民政府同意后): a contract whose schedule has more than one instalment must carry that consent (its instalmentConsent.by is this value, given on or before the signing day), and is refused without it. Absent: no consent is asked, and a contract carrying one is refused.")]
    public string? ConsentOf { get; init; }

    [Description("The kinds of transfer whose price may be paid in instalments, e.g. agreement-transfer-after-transition (克拉玛依 art. 8(1) 过渡期满办理土地使用权协议出让时): a contract whose schedule has more than one instalment states its kind (transfer), one of these, and is refused without it. A contract paying at once may state one too. Absent: any contract may pay in instalments, and a contract stating a kind is refused.")]
    [SchemaMinItems(1)]
    public IReadOnlyList<TransferKind>? OnlyFor { get; init; }

    [Description("True where the policy leaves the terms to the contract (e.g. 佳木斯 item 21).")]
    public bool ContractTermsApply { get; init; }

    [Description("The article that sets these rules.")]
    public required string Source { get; init; }
}

/// <summary>A kind of land transfer whose price may be paid in instalments (<see cref="InstalmentRules.OnlyFor"/>).</summary>
[Description("A kind of land transfer whose price may be paid in instalments.")]
public sealed record TransferKind
{
    [Description("Stable id a contract states (transfer), e.g. agreement-transfer-after-transition.")]
    [SchemaPattern(SchemaPatternAttribute.LowerCaseId)]
    public required string Id { get; init; }

    [Description("The kind, in the policy's words, e.g. 过渡期满办理土地使用权协议出让.")]
    public required string Description { get; init; }

    [Description("The article that allows it instalments.")]
    public required string Source { get; init; }
}

/// <summary>One instalment of a schedule.</summary>
[Description("One instalment of a schedule.")]
public sealed record InstalmentTerm
{
    [Description("Share of the amount due (0 < share ≤ 1); absent on the term that takes the rest.")]
    [SchemaRange(0, 1, exclusiveMinimum: true)]
    public decimal? Share { get; init; }

    [Description("True on the last term: whatever remains.")]
    public bool Rest { get; init; }

    [Description("Due within this period of the start (0 days = on the day).")]
    public required Period DueWithin { get; init; }
}

/// <summary>Limits on a survey.</summary>
[Description("Limits on a survey.")]
public sealed record SurveyRules
{
    [Description("Relative difference between the declared and the computed area above which the screening flags it (e.g. 0.05 = 5 %).")]
    [SchemaRange(0)]
    public decimal DeclaredAreaTolerance { get; init; } = 0.05m;

    [Description("Most vertices a parcel polygon may have.")]
    [SchemaRange(3)]
    public int MaxVertices { get; init; } = 10_000;
}

/// <summary>Limits on evidence files.</summary>
[Description("Limits on evidence files.")]
public sealed record EvidenceRules
{
    [Description("Most files one survey, resubmission or plan may declare. They are written with the case in one storage transaction, hence the upper bound.")]
    [SchemaRange(0, Cases.CaseLimits.MaxDeclaredFiles)]
    public int MaxFiles { get; init; } = 50;

    [Description("Largest file, in bytes.")]
    [SchemaRange(1)]
    public long MaxFileBytes { get; init; } = 512L * 1024 * 1024;

    [Description("Content types allowed.")]
    public IReadOnlyList<string> ContentTypes { get; init; } = ["image/jpeg", "image/png", "application/pdf"];
}
