using System.Collections.Immutable;
using LandRedevelopment.Review;

namespace LandRedevelopment.Review.Workflow;

/// <summary>Where a case's review stands.</summary>
public enum ReviewPhase
{
    /// <summary>Ready for review; no chain started.</summary>
    AwaitingReview,

    /// <summary>At a determination step, waiting for its officers.</summary>
    InStep,

    /// <summary>Returned for rework (determination or plan); waits for a resubmission.</summary>
    ReturnedForRework,

    /// <summary>The determination was rejected: not low-efficiency, the case is closed.</summary>
    Rejected,

    /// <summary>The determination is issued and waits to be served.</summary>
    DeterminationIssued,

    /// <summary>The determination was served; the plan deadline (if any) runs and a plan may be submitted.</summary>
    DeterminationServed,

    /// <summary>At a plan step, waiting for its officers.</summary>
    PlanInReview,

    /// <summary>The plan was approved: redevelopment, with the transition period running where the policy has one.</summary>
    Redevelopment,

    /// <summary>The transition period ran out.</summary>
    TransitionOver,

    /// <summary>No plan by the deadline: the reclamation track.</summary>
    Reclamation,
}

/// <summary>
/// A case's review, folded from its events. Immutable: <see cref="Apply"/> returns the next state, so the same
/// events always give the same state and a state can be rebuilt from the audit trail.
/// </summary>
public sealed record ReviewState
{
    /// <summary>A case ready for review, before any event.</summary>
    public static ReviewState Initial { get; } = new();

    /// <summary>Where the review stands.</summary>
    public ReviewPhase Phase { get; init; } = ReviewPhase.AwaitingReview;

    /// <summary>The policy version the review started under; the case keeps it.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>The track of the current (or last) chain.</summary>
    public ReviewTrack Track { get; init; } = ReviewTrack.Determination;

    /// <summary>The current (or last) chain's id, within <see cref="Track"/>'s chains.</summary>
    public string? ChainId { get; init; }

    /// <summary>The current step's position in the chain; while returned for rework, the step that returned it.</summary>
    public int StepIndex { get; init; }

    /// <summary>The current step; while returned for rework, the step that returned it.</summary>
    public string? StepId { get; init; }

    /// <summary>The current step's visit number (from 1). Unique per step id across the whole case, so no old link matches a later visit.</summary>
    public int Attempt { get; init; }

    /// <summary>The role that decides the current step.</summary>
    public string? StepRole { get; init; }

    /// <summary>When the current step (visit) was entered: its time limit is counted from that day. Null in states stored before it was kept.</summary>
    public DateTimeOffset? StepEnteredAt { get; init; }

    /// <summary>When the current step is overdue.</summary>
    public DateTimeOffset? StepDueAt { get; init; }

    /// <summary>When the current step's officers are reminded.</summary>
    public DateTimeOffset? StepRemindAt { get; init; }

    /// <summary>Whether the current step's reminder went out.</summary>
    public bool Reminded { get; init; }

    /// <summary>Whether the current step is overdue (escalated).</summary>
    public bool Overdue { get; init; }

    /// <summary>How many repeated reminders the current overdue step has had.</summary>
    public int OverdueReminders { get; init; }

    /// <summary>
    /// When the current step's officers were last mailed links (entering it, its reminders); null for a state stored
    /// before this was kept.
    /// </summary>
    public DateTimeOffset? LinksMailedAt { get; init; }

    /// <summary>
    /// Officers of the current step mailed fresh links after their address changed, with the time of the change the
    /// links followed (<see cref="LinksReissued.MailboxSince"/>).
    /// </summary>
    public ImmutableDictionary<string, DateTimeOffset> LinksReissued { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>When the current overdue step's next repeated reminder is due; null when it is not overdue.</summary>
    public DateTimeOffset? NextOverdueReminderAt =>
        IsInStep && Overdue && StepDueAt is { } due ? due + (ReviewDecider.OverdueReminderInterval * (OverdueReminders + 1)) : null;

    /// <summary>The last attempt of every step id visited, to number a later visit.</summary>
    public ImmutableDictionary<string, int> Visits { get; init; } = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Every decision so far, oldest first.</summary>
    public ImmutableList<RecordedDecision> Decisions { get; init; } = [];

    /// <summary>When the determination was issued.</summary>
    public DateTimeOffset? DeterminationIssuedAt { get; init; }

    /// <summary>The day the determination was served.</summary>
    public DateOnly? ServedOn { get; init; }

    /// <summary>The last day of the plan deadline, where the policy has one.</summary>
    public DateOnly? PlanDeadlineLastDay { get; init; }

    /// <summary>The instant the plan deadline ends (24:00 of its last day).</summary>
    public DateTimeOffset? PlanDeadlineAt { get; init; }

    /// <summary>When the officers are reminded of the plan deadline if no plan has come.</summary>
    public DateTimeOffset? PlanReminderAt { get; init; }

    /// <summary>When they were.</summary>
    public DateTimeOffset? PlanRemindedAt { get; init; }

    /// <summary>The plan under (or after) review.</summary>
    public PlanFacts? Plan { get; init; }

    /// <summary>The last day of the transition period, where the policy has one.</summary>
    public DateOnly? TransitionEndsOn { get; init; }

    /// <summary>When the transition period ends.</summary>
    public DateTimeOffset? TransitionEndsAt { get; init; }

    /// <summary>When the officers are reminded that the transition period is ending.</summary>
    public DateTimeOffset? TransitionReminderAt { get; init; }

    /// <summary>When they were.</summary>
    public DateTimeOffset? TransitionRemindedAt { get; init; }

    /// <summary>Why the case went to reclamation, and the article.</summary>
    public string? ReclamationReason { get; init; }

    /// <summary>When the plan deadline passed without reclamation (no reclamation ground held).</summary>
    public DateTimeOffset? PlanDeadlineLapsedAt { get; init; }

    /// <summary>Whether a step is open for decisions.</summary>
    public bool IsInStep => Phase is ReviewPhase.InStep or ReviewPhase.PlanInReview;

    /// <summary>The decision recorded for a step visit, if any.</summary>
    public RecordedDecision? DecisionFor(string stepId, int attempt) =>
        Decisions.FirstOrDefault(d => d.StepId == stepId && d.Attempt == attempt);

    /// <summary>Folds a sequence of events, oldest first.</summary>
    public static ReviewState Evolve(ReviewState state, IEnumerable<ReviewEvent> events)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(events);
        return events.Aggregate(state, (s, e) => s.Apply(e));
    }

    /// <summary>The state after <paramref name="reviewEvent"/>. Total: it never refuses, since the event already happened.</summary>
    public ReviewState Apply(ReviewEvent reviewEvent)
    {
        ArgumentNullException.ThrowIfNull(reviewEvent);
        return reviewEvent switch
        {
            ReviewStarted e => this with { PolicyVersion = e.PolicyVersion, Track = ReviewTrack.Determination, ChainId = e.ChainId },
            StepEntered e => this with
            {
                Phase = e.Track == ReviewTrack.Plan ? ReviewPhase.PlanInReview : ReviewPhase.InStep,
                Track = e.Track,
                ChainId = e.ChainId,
                StepIndex = e.StepIndex,
                StepId = e.StepId,
                Attempt = e.Attempt,
                StepRole = e.Role,
                StepEnteredAt = e.At,
                StepDueAt = e.DueAt,
                StepRemindAt = e.RemindAt,
                Reminded = false,
                Overdue = false,
                OverdueReminders = 0,
                LinksMailedAt = e.At,
                LinksReissued = LinksReissued.Clear(),
                Visits = Visits.SetItem(e.StepId, e.Attempt),
            },
            StepApproved e => LeaveStep(Record(e.Track, e.StepId, e.Attempt, e.OfficerId, e.At, DecisionAction.Approve, e.Comment)),
            ReturnedForRework e => LeaveStep(Record(e.Track, e.StepId, e.Attempt, e.OfficerId, e.At, DecisionAction.Return, e.Comment))
                with { Phase = ReviewPhase.ReturnedForRework },
            ReworkResubmitted e => this with { Plan = e.RevisedPlan ?? Plan },
            Rejected e => LeaveStep(Record(e.Track, e.StepId, e.Attempt, e.OfficerId, e.At, DecisionAction.Reject, e.Comment))
                with { Phase = e.Track == ReviewTrack.Plan ? ReviewPhase.DeterminationServed : ReviewPhase.Rejected },
            DeterminationIssued e => this with { Phase = ReviewPhase.DeterminationIssued, DeterminationIssuedAt = e.At },
            ReminderRaised e => this with { Reminded = true, LinksMailedAt = e.At },
            StepOverdue e => this with { Overdue = true, LinksMailedAt = e.At },
            OverdueReminderRaised e => this with { OverdueReminders = e.Number, LinksMailedAt = e.At },
            LinksReissued e => this with { LinksReissued = LinksReissued.SetItem(e.OfficerId, e.MailboxSince) },
            DeterminationServedEvent e => this with
            {
                Phase = ReviewPhase.DeterminationServed,
                ServedOn = e.ServedOn,
                PlanDeadlineLastDay = e.PlanDeadlineLastDay,
                PlanDeadlineAt = e.PlanDeadlineAt,
                PlanReminderAt = e.PlanReminderAt,
            },
            PlanSubmittedEvent e => this with { Plan = e.Plan, Track = ReviewTrack.Plan, ChainId = e.ChainId },
            PlanDocumentRecorded e => this with { Plan = Plan?.WithDocument(e.Document) },
            PlanRevised e => this with { Plan = e.Plan, ChainId = e.ChainId, StepIndex = e.StepIndex },
            PlanApproved e => this with { Phase = ReviewPhase.Redevelopment, TransitionEndsOn = e.TransitionEndsOn, TransitionEndsAt = e.TransitionEndsAt, TransitionReminderAt = e.TransitionReminderAt },
            ReclamationStarted e => this with { Phase = ReviewPhase.Reclamation, ReclamationReason = $"{e.Reason} ({e.Article})" },
            PlanDeadlineLapsed e => this with { PlanDeadlineLapsedAt = e.At },
            PlanDeadlineReminderRaised e => this with { PlanRemindedAt = e.At },
            PlanDeadlineRecounted e => this with { PlanDeadlineLastDay = e.LastDay, PlanDeadlineAt = e.DeadlineAt },
            StepDeadlineRecounted e => this with { StepDueAt = e.DueAt },
            TransitionPeriodEnded => this with { Phase = ReviewPhase.TransitionOver },
            TransitionEndReminderRaised e => this with { TransitionRemindedAt = e.At },
            _ => throw new ArgumentException($"Unknown review event {reviewEvent.GetType().Name}.", nameof(reviewEvent)),
        };
    }

    private ReviewState Record(ReviewTrack track, string stepId, int attempt, string officerId, DateTimeOffset at, DecisionAction action, string? comment) =>
        this with { Decisions = Decisions.Add(new RecordedDecision(track, stepId, attempt, officerId, at, action, comment)) };

    // The step id and attempt stay: a returned case resumes at that step, and a late timer for it must
    // still be told apart from the current step by the phase, not by a blanked id.
    private ReviewState LeaveStep(ReviewState state) =>
        state with
        {
            StepDueAt = null, StepRemindAt = null, Reminded = false, Overdue = false, OverdueReminders = 0, LinksMailedAt = null,
            LinksReissued = LinksReissued.Clear(),
        };
}
