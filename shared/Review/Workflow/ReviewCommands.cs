using LandRedevelopment.Review;

namespace LandRedevelopment.Review.Workflow;

/// <summary>
/// Something asked of a case's review: by an officer, the land user, the field team, or a durable timer.
/// Ids and times come with the command or the <see cref="ReviewContext"/>; the decider makes none up.
/// </summary>
public abstract record ReviewCommand;

/// <summary>Starts the determination review on the chain the caller chose with <c>ReviewChainSelector</c>.</summary>
/// <param name="ChainId">The id of one of the policy's determination chains.</param>
public sealed record StartReview(string ChainId) : ReviewCommand;

/// <summary>An officer's decision on a step, as an e-mailed link or the API carries it.</summary>
/// <param name="StepId">The step the officer decides.</param>
/// <param name="Attempt">The visit of the step the decision is for; a link from an earlier visit is stale.</param>
/// <param name="OfficerId">Who decides.</param>
/// <param name="OfficerRoles">The officer's roles; one must be the step's resolved role.</param>
/// <param name="Action">Approve, return for rework, or reject.</param>
/// <param name="Comment">The officer's comment; required to return a case, since the field team must know what to add.</param>
public sealed record Decide(string StepId, int Attempt, string OfficerId, IReadOnlyList<string> OfficerRoles, DecisionAction Action, string? Comment) : ReviewCommand;

/// <summary>
/// The case returned for rework is submitted again; the review resumes at the step that returned it — or, when a
/// revised plan is reviewed by another chain than the plan on file, at that chain's first step.
/// </summary>
/// <param name="Revision">For a plan returned for rework, its revision; null keeps the plan on file.</param>
public sealed record Resubmitted(RevisePlan? Revision = null) : ReviewCommand;

/// <summary>
/// The land user revised the facts of a plan returned for rework (its new land use, green channel, stated plan facts);
/// the caller chose its chain with <c>ReviewChainSelector</c> over the revised <see cref="PlanFacts.ToRuleInput"/>. The
/// documents on file stay: the revision's own <see cref="PlanFacts.Documents"/> are not read.
/// </summary>
/// <param name="Plan">The revised facts.</param>
/// <param name="ChainId">The plan chain that reviews them.</param>
public sealed record RevisePlan(PlanFacts Plan, string ChainId) : ReviewCommand;

/// <summary>The durable timer of a step's time limit fired.</summary>
public sealed record StepDeadlinePassed(string StepId, int Attempt) : ReviewCommand;

/// <summary>The durable timer of a step's reminder fired.</summary>
public sealed record ReminderDue(string StepId, int Attempt) : ReviewCommand;

/// <summary>The durable timer of an overdue step's <paramref name="Number"/>th repeated reminder fired.</summary>
public sealed record OverdueReminderDue(string StepId, int Attempt, int Number) : ReviewCommand;

/// <summary>
/// An officer's e-mail address changed at <paramref name="MailboxSince"/>: links mailed to the earlier address no longer
/// work, so the officer is mailed fresh links for the step visit at their present one (when they decide it).
/// </summary>
/// <param name="StepId">The step the case is at.</param>
/// <param name="Attempt">Its visit; a command for an earlier visit changes nothing.</param>
/// <param name="OfficerId">The officer whose address changed.</param>
/// <param name="OfficerRoles">The officer's roles; fresh links go out only when one is the step's role.</param>
/// <param name="MailboxSince">When the present address became the officer's (<see cref="Tenants.Officer.EmailSince"/>).</param>
public sealed record ReissueLinks(string StepId, int Attempt, string OfficerId, IReadOnlyList<string> OfficerRoles, DateTimeOffset MailboxSince) : ReviewCommand;

/// <summary>The written determination was served on the land user on <paramref name="ServedOn"/> (a legal date in the tenant's zone).</summary>
public sealed record DeterminationServed(DateOnly ServedOn) : ReviewCommand;

/// <summary>The land user submitted a redevelopment plan; the caller chose its chain with <c>ReviewChainSelector</c> over <see cref="PlanFacts.ToRuleInput"/>.</summary>
public sealed record PlanSubmitted(PlanFacts Plan, string ChainId) : ReviewCommand;

/// <summary>A document of the plan under review was filed or its approvals changed (e.g. a bureau approved the soil survey).</summary>
public sealed record RecordPlanDocument(PlanDocument Document) : ReviewCommand;

/// <summary>The durable timer of the plan-submission deadline fired.</summary>
public sealed record PlanDeadlinePassed : ReviewCommand;

/// <summary>The durable timer of the plan deadline's reminder fired.</summary>
public sealed record PlanDeadlineReminderDue : ReviewCommand;

/// <summary>The durable timer of the transition period fired.</summary>
public sealed record TransitionEnded : ReviewCommand;

/// <summary>The durable timer of the transition period's reminder fired.</summary>
public sealed record TransitionEndReminderDue : ReviewCommand;
