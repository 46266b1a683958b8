using System.Text.Json.Serialization;
using LandRedevelopment.Review;

namespace LandRedevelopment.Review.Workflow;

/// <summary>Which review a chain belongs to: the determination of the parcel, or the land user's plan.</summary>
public enum ReviewTrack
{
    /// <summary>Whether the parcel is low-efficiency land (the policy's determination chains).</summary>
    Determination,

    /// <summary>The land user's redevelopment plan (the policy's plan chains).</summary>
    Plan,
}

/// <summary>
/// Something that happened to a case's review: appended to its audit trail and folded into
/// <see cref="ReviewState"/> by <see cref="ReviewState.Apply"/>. Each event carries what the outbox
/// needs to act on it (whom to notify, which timers to set) so that no later lookup can disagree.
/// </summary>
/// <param name="At">When it happened (the <see cref="ReviewContext.Now"/> of the decision).</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ReviewStarted), "reviewStarted")]
[JsonDerivedType(typeof(StepEntered), "stepEntered")]
[JsonDerivedType(typeof(StepApproved), "stepApproved")]
[JsonDerivedType(typeof(ReturnedForRework), "returnedForRework")]
[JsonDerivedType(typeof(ReworkResubmitted), "reworkResubmitted")]
[JsonDerivedType(typeof(Rejected), "rejected")]
[JsonDerivedType(typeof(DeterminationIssued), "determinationIssued")]
[JsonDerivedType(typeof(ReminderRaised), "reminderRaised")]
[JsonDerivedType(typeof(StepOverdue), "stepOverdue")]
[JsonDerivedType(typeof(OverdueReminderRaised), "overdueReminderRaised")]
[JsonDerivedType(typeof(LinksReissued), "linksReissued")]
[JsonDerivedType(typeof(DeterminationServedEvent), "determinationServed")]
[JsonDerivedType(typeof(PlanSubmittedEvent), "planSubmitted")]
[JsonDerivedType(typeof(PlanDocumentRecorded), "planDocumentRecorded")]
[JsonDerivedType(typeof(PlanRevised), "planRevised")]
[JsonDerivedType(typeof(PlanApproved), "planApproved")]
[JsonDerivedType(typeof(ReclamationStarted), "reclamationStarted")]
[JsonDerivedType(typeof(PlanDeadlineLapsed), "planDeadlineLapsed")]
[JsonDerivedType(typeof(PlanDeadlineRecounted), "planDeadlineRecounted")]
[JsonDerivedType(typeof(PlanDeadlineReminderRaised), "planDeadlineReminderRaised")]
[JsonDerivedType(typeof(StepDeadlineRecounted), "stepDeadlineRecounted")]
[JsonDerivedType(typeof(TransitionPeriodEnded), "transitionPeriodEnded")]
[JsonDerivedType(typeof(TransitionEndReminderRaised), "transitionEndReminderRaised")]
public abstract record ReviewEvent(DateTimeOffset At);

/// <summary>The determination review began on a chain, under a policy version the case keeps.</summary>
public sealed record ReviewStarted(DateTimeOffset At, string ChainId, string ChainName, string Source, string PolicyVersion) : ReviewEvent(At);

/// <summary>
/// The case entered a step: mail <paramref name="Role"/>'s officers, set timers at <paramref name="RemindAt"/> and <paramref name="DueAt"/>.
/// </summary>
/// <param name="At">When.</param>
/// <param name="Track">Determination or plan.</param>
/// <param name="ChainId">The chain.</param>
/// <param name="StepIndex">The step's position in the chain, from 0.</param>
/// <param name="StepId">The step.</param>
/// <param name="StepName">Its name, for the mail.</param>
/// <param name="Attempt">The visit number of this step in the case, from 1; links carry it.</param>
/// <param name="Role">The resolved role that decides the step.</param>
/// <param name="Source">The article that sets the step.</param>
/// <param name="LastDay">The last day of the time limit (a legal date in the tenant's zone).</param>
/// <param name="DueAt">24:00 of <paramref name="LastDay"/>: when the step is overdue.</param>
/// <param name="RemindAt">When the officers are reminded.</param>
public sealed record StepEntered(
    DateTimeOffset At, ReviewTrack Track, string ChainId, int StepIndex, string StepId, string StepName, int Attempt,
    string Role, string Source, DateOnly LastDay, DateTimeOffset DueAt, DateTimeOffset RemindAt) : ReviewEvent(At);

/// <summary>An officer approved a step.</summary>
public sealed record StepApproved(DateTimeOffset At, ReviewTrack Track, string StepId, int Attempt, string OfficerId, string? Comment) : ReviewEvent(At);

/// <summary>
/// An officer returned the case (or plan) for rework. <paramref name="NotifyRoles"/> are told; the submitter is known
/// to the edge, not to the policy, so the edge adds them.
/// </summary>
public sealed record ReturnedForRework(DateTimeOffset At, ReviewTrack Track, string StepId, int Attempt, string OfficerId, string Comment, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>The returned case (or plan) was submitted again; the step that returned it is entered again next.</summary>
/// <param name="At">When.</param>
/// <param name="Track">Determination or plan.</param>
/// <param name="StepId">The step that returned it.</param>
/// <param name="RevisedPlan">Only in events written before revisions were events of their own (<see cref="PlanRevised"/>); null since.</param>
public sealed record ReworkResubmitted(DateTimeOffset At, ReviewTrack Track, string StepId, PlanFacts? RevisedPlan) : ReviewEvent(At);

/// <summary>
/// The facts of a plan returned for rework were revised (its documents stay on file). A resubmission resumes at
/// <paramref name="StepIndex"/> of <paramref name="ChainId"/>: the step that returned it on the same chain, the first
/// step when the revised facts chose another chain.
/// </summary>
public sealed record PlanRevised(DateTimeOffset At, PlanFacts Plan, string ChainId, string ChainName, string Source, int StepIndex) : ReviewEvent(At);

/// <summary>
/// An officer rejected: for a determination the parcel is not low-efficiency and the case is closed; for a plan the
/// land user may submit another while the plan deadline runs.
/// </summary>
public sealed record Rejected(DateTimeOffset At, ReviewTrack Track, string StepId, int Attempt, string OfficerId, string? Comment, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>The last determination step approved: the determination is issued and must now be served on the land user.</summary>
public sealed record DeterminationIssued(DateTimeOffset At, string ChainId, string StepId, string IssuedBy, string Source, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>A step's reminder: tell <paramref name="Role"/>'s officers the step is due at <paramref name="DueAt"/>.</summary>
public sealed record ReminderRaised(DateTimeOffset At, string StepId, int Attempt, string Role, DateTimeOffset DueAt) : ReviewEvent(At);

/// <summary>A step ran over its time limit: it is marked overdue and the policy's supervising role is told.</summary>
/// <param name="At">When.</param>
/// <param name="StepId">The step.</param>
/// <param name="Attempt">Its visit.</param>
/// <param name="StepRole">The role that still has to decide it.</param>
/// <param name="DueAt">The deadline that passed.</param>
/// <param name="EscalateTo">The supervising role (the policy's escalation).</param>
/// <param name="Source">Where the escalation rule comes from.</param>
public sealed record StepOverdue(DateTimeOffset At, string StepId, int Attempt, string StepRole, DateTimeOffset DueAt, string EscalateTo, string? Source) : ReviewEvent(At);

/// <summary>
/// A step still undecided a week (and every further week) after its deadline: <paramref name="Role"/>'s officers are
/// reminded again, with fresh links, so an overdue step never runs out of links that can decide it.
/// </summary>
public sealed record OverdueReminderRaised(DateTimeOffset At, string StepId, int Attempt, string Role, DateTimeOffset DueAt, int Number) : ReviewEvent(At);

/// <summary>
/// The officer <paramref name="OfficerId"/> changed e-mail address at <paramref name="MailboxSince"/>, after the step's
/// links were mailed: the links sent to the earlier address no longer work, and the officer is mailed fresh ones at
/// the present address.
/// </summary>
/// <param name="At">When.</param>
/// <param name="StepId">The step.</param>
/// <param name="Attempt">Its visit.</param>
/// <param name="Role">The role that decides the step, which the officer holds.</param>
/// <param name="OfficerId">The one officer mailed.</param>
/// <param name="MailboxSince">When the officer's present address became theirs.</param>
public sealed record LinksReissued(DateTimeOffset At, string StepId, int Attempt, string Role, string OfficerId, DateTimeOffset MailboxSince) : ReviewEvent(At);

/// <summary>
/// The determination was served; where the policy has a plan deadline from service it runs to 24:00 of
/// <paramref name="PlanDeadlineLastDay"/> (set a timer at <paramref name="PlanDeadlineAt"/>), and the officers are reminded at
/// <paramref name="PlanReminderAt"/> if no plan has come by then (none when that is already past at service).
/// </summary>
public sealed record DeterminationServedEvent(
    DateTimeOffset At, DateOnly ServedOn, DateOnly? PlanDeadlineLastDay, DateTimeOffset? PlanDeadlineAt, string? PlanDeadlineSource, IReadOnlyList<string> NotifyRoles,
    DateTimeOffset? PlanReminderAt = null) : ReviewEvent(At);

/// <summary>The land user submitted a plan; it enters the plan chain <paramref name="ChainId"/>.</summary>
public sealed record PlanSubmittedEvent(DateTimeOffset At, PlanFacts Plan, string ChainId, string ChainName, string Source) : ReviewEvent(At);

/// <summary>A document of the plan under review was filed or its approvals changed.</summary>
public sealed record PlanDocumentRecorded(DateTimeOffset At, PlanDocument Document) : ReviewEvent(At);

/// <summary>
/// The plan's last step approved: the redevelopment track opens. Where the policy has a transition period it ends at
/// <paramref name="TransitionEndsAt"/> (set a timer there), and the officers are reminded at
/// <paramref name="TransitionReminderAt"/> that it is ending (none when that is already past at approval).
/// </summary>
public sealed record PlanApproved(
    DateTimeOffset At, string ChainId, string StepId, string ApprovedBy, DateOnly? TransitionEndsOn, DateTimeOffset? TransitionEndsAt, string? TransitionSource,
    IReadOnlyList<string> NotifyRoles, DateTimeOffset? TransitionReminderAt = null) : ReviewEvent(At);

/// <summary>The case moved to the reclamation track; <paramref name="NotifyRoles"/> are told.</summary>
/// <param name="At">When.</param>
/// <param name="Reason">Why, as a stable code, e.g. <see cref="ReclamationReasons.NoPlanByDeadline"/>.</param>
/// <param name="Article">The article that sends the case there.</param>
/// <param name="NotifyRoles">The officers to tell.</param>
public sealed record ReclamationStarted(DateTimeOffset At, string Reason, string Article, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>
/// The plan deadline passed with no plan approved, and none of the policy's reclamation grounds (<paramref name="Grounds"/>)
/// holds for the parcel (e.g. land granted by 出让, where 克拉玛依 art. 9(1) reclaims only allocated land): the case is not
/// reclaimed; <paramref name="NotifyRoles"/> are told, to follow the case up under the law.
/// </summary>
public sealed record PlanDeadlineLapsed(DateTimeOffset At, string Article, string Grounds, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>
/// The plan deadline is near and no plan has come: <paramref name="NotifyRoles"/> (the officers who issued the determination,
/// and the supervising role) are told it ends at 24:00 of <paramref name="LastDay"/>, as the holiday calendar counts it now.
/// </summary>
public sealed record PlanDeadlineReminderRaised(DateTimeOffset At, DateOnly LastDay, DateTimeOffset DeadlineAt, string Article, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>
/// The transition period is ending: <paramref name="NotifyRoles"/> (the officers who approved the plan, and the supervising
/// role) are told it ends at 24:00 of <paramref name="LastDay"/>, so that what the policy has follow it (an agreement
/// transfer, a change of use) can be prepared with the land user in time.
/// </summary>
public sealed record TransitionEndReminderRaised(DateTimeOffset At, DateOnly LastDay, DateTimeOffset EndsAt, string Article, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>
/// The plan deadline was counted again with the holiday calendar as it is now: one loaded after service made its last
/// day (<paramref name="WasLastDay"/>) a rest day, so the deadline moves on to the next working day (Civil Code art. 203).
/// </summary>
public sealed record PlanDeadlineRecounted(DateTimeOffset At, DateOnly WasLastDay, DateOnly LastDay, DateTimeOffset DeadlineAt, string Article) : ReviewEvent(At);

/// <summary>
/// A step's time limit was counted again with the holiday calendar as it is now: one loaded after the step was entered
/// made its last day a rest day, so the step is due at the end of the next working day instead of <paramref name="WasDueAt"/>.
/// </summary>
public sealed record StepDeadlineRecounted(DateTimeOffset At, string StepId, int Attempt, DateTimeOffset WasDueAt, DateOnly LastDay, DateTimeOffset DueAt) : ReviewEvent(At);

/// <summary>The transition period ran out.</summary>
public sealed record TransitionPeriodEnded(DateTimeOffset At, string? Article, IReadOnlyList<string> NotifyRoles) : ReviewEvent(At);

/// <summary>The stable reason codes of <see cref="ReclamationStarted"/>.</summary>
public static class ReclamationReasons
{
    /// <summary>No redevelopment plan was submitted (or none approved) by the plan deadline.</summary>
    public const string NoPlanByDeadline = "no-plan-by-deadline";
}

/// <summary>
/// Facts the case itself supplies to the policy's reclamation grounds when the plan deadline passes, under these
/// attribute names (a policy declares them as attributes to use them, e.g. 克拉玛依 art. 9(1)2(4)).
/// </summary>
public static class ReclamationFacts
{
    /// <summary>The day the determination was served (a date).</summary>
    public const string DeterminationServedOn = "determinationServedOn";

    /// <summary>Whether a redevelopment plan was submitted in time (a boolean): false once the deadline has passed without an approved plan.</summary>
    public const string PlanSubmittedInTime = "redevelopmentPlanSubmittedInTime";
}

/// <summary>One decision an officer made, as the case records it.</summary>
public sealed record RecordedDecision(ReviewTrack Track, string StepId, int Attempt, string OfficerId, DateTimeOffset At, DecisionAction Action, string? Comment);
