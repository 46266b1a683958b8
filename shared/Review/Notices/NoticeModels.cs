namespace LandRedevelopment.Review.Notices;

/// <summary>What every mail and page says about a case: the parcel and how screening judged it.</summary>
/// <param name="TenantId">The city the case belongs to.</param>
/// <param name="TenantName">The city's display name, e.g. 深圳市规划和自然资源局.</param>
/// <param name="CaseId">The redevelopment case.</param>
/// <param name="LandCode">The parcel's land code (宗地编号).</param>
/// <param name="District">The district the parcel lies in.</param>
/// <param name="LandUse">The parcel's land use.</param>
/// <param name="AreaM2">The parcel's area in square metres.</param>
/// <param name="AreaMu">The parcel's area in 亩.</param>
/// <param name="Outcome">The screening outcome as shown to people.</param>
/// <param name="CriteriaMet">The low-efficiency criteria the parcel meets.</param>
/// <param name="Flags">Warnings screening raised, e.g. a possible overlap with another parcel.</param>
public sealed record CaseBrief(
    string TenantId, string TenantName, string CaseId, string LandCode, string District, string LandUse,
    decimal AreaM2, decimal AreaMu, string Outcome, IReadOnlyList<CriterionBrief> CriteriaMet, IReadOnlyList<string> Flags);

/// <summary>One low-efficiency criterion a parcel meets.</summary>
/// <param name="Id">The policy's id for the criterion.</param>
/// <param name="Description">What the criterion says, in Chinese.</param>
/// <param name="Source">The article it comes from, in full (document, item and text).</param>
/// <param name="Explanation">Why this parcel meets it, e.g. the measured plot ratio against the threshold.</param>
public sealed record CriterionBrief(string Id, string Description, string Source, string Explanation);

/// <summary>A rule the policy states in principle (原则上) that the plan under review departs from.</summary>
/// <param name="ConditionId">The policy's id for the condition, e.g. scattered-plot-size.</param>
/// <param name="Description">What the condition says, in Chinese.</param>
/// <param name="Source">The article it comes from.</param>
/// <param name="Explanation">How the plan departs from it, e.g. the stated area against the limit.</param>
public sealed record DepartureBrief(string ConditionId, string Description, string Source, string Explanation);

/// <summary>The review step a mail or page is about.</summary>
/// <param name="StepId">The step's id in its chain.</param>
/// <param name="StepName">The step's display name.</param>
/// <param name="Attempt">The step's visit number, 1-based; higher after a return for rework.</param>
/// <param name="Role">The role that decides the step.</param>
/// <param name="Source">The article that creates the step.</param>
/// <param name="LastDay">The last day of the step's time limit, in the tenant's calendar.</param>
/// <param name="DueAt">The instant the time limit runs out.</param>
/// <param name="Overdue">Whether the time limit has already run out.</param>
public sealed record StepBrief(string StepId, string StepName, int Attempt, string Role, string Source, DateOnly LastDay, DateTimeOffset DueAt, bool Overdue);

/// <summary>A personal decision link mailed to an officer.</summary>
/// <param name="Action">The one action the link performs.</param>
/// <param name="Url">The absolute URL of the link.</param>
public sealed record ActionLink(DecisionAction Action, string Url);

/// <summary>A piece of evidence filed with a case, as listed on the confirmation page.</summary>
/// <param name="Name">The file name.</param>
/// <param name="ContentType">The file's media type.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="Status">The file's status as shown to people, e.g. 已扫描.</param>
/// <param name="Url">A short-lived download URL, or <see langword="null"/> when the file cannot be opened.</param>
public sealed record EvidenceLink(string Name, string ContentType, long Size, string Status, string? Url);

/// <summary>The content of a mail: a one-line subject, a plain-text body and an HTML body saying the same.</summary>
/// <param name="Subject">The subject, never containing a line break.</param>
/// <param name="Text">The plain-text body.</param>
/// <param name="Html">The HTML body, a complete self-contained document.</param>
public sealed record MailContent(string Subject, string Text, string Html);

/// <summary>A decision recorded on a case, as the determination lists it.</summary>
/// <param name="StepName">The step decided.</param>
/// <param name="OfficerId">The officer who decided.</param>
/// <param name="Action">What the officer decided.</param>
/// <param name="At">When the decision was recorded.</param>
/// <param name="Comment">The officer's comment, or <see langword="null"/>.</param>
public sealed record DecisionBrief(string StepName, string OfficerId, DecisionAction Action, DateTimeOffset At, string? Comment);

/// <summary>Everything the written determination (低效用地认定书) states.</summary>
/// <param name="Case">The case and its parcel.</param>
/// <param name="ChainName">The review chain the case went through.</param>
/// <param name="ChainSource">The article that sets up that chain.</param>
/// <param name="IssuingStepName">The step whose approval issues the determination.</param>
/// <param name="IssuingSource">The article that empowers that step.</param>
/// <param name="Decisions">The decisions recorded on the case, in order.</param>
/// <param name="IssuedAt">When the determination was issued.</param>
/// <param name="Zone">The tenant's time zone, which dates are written in.</param>
/// <param name="PlanDeadlineText">The period for submitting a redevelopment plan, e.g. 六个月 (see <see cref="DeterminationNotice.PeriodText"/>), or <see langword="null"/> when the policy sets none.</param>
/// <param name="PlanDeadlineSource">The article setting that period.</param>
/// <param name="ReclamationWarnings">Paragraphs warning of reclamation (收回) if the land user does not act.</param>
public sealed record DeterminationFacts(
    CaseBrief Case, string ChainName, string ChainSource, string IssuingStepName, string IssuingSource,
    IReadOnlyList<DecisionBrief> Decisions, DateTimeOffset IssuedAt, TimeZoneInfo Zone,
    string? PlanDeadlineText, string? PlanDeadlineSource, IReadOnlyList<string> ReclamationWarnings);
