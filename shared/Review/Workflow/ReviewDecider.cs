using LandRedevelopment.Calendars;
using LandRedevelopment.Cases;
using LandRedevelopment.Policies;
using LandRedevelopment.Review;
using LandRedevelopment.Screening;

namespace LandRedevelopment.Review.Workflow;

/// <summary>Everything a review decision reads besides the case's state and the command.</summary>
/// <param name="Policy">The policy version the case runs under.</param>
/// <param name="PolicyVersion">That version's id, recorded when the review starts.</param>
/// <param name="Calendar">The tenant's holidays and make-up working days.</param>
/// <param name="TimeZone">The tenant's legal time zone; dates are counted there.</param>
/// <param name="District">The case's district, filling <c>{district}</c> in step roles.</param>
/// <param name="Now">The instant of the decision (from the clock the handler uses, adjustable in tests).</param>
/// <param name="Parcel">
/// The parcel as surveyed (land use, attributes), which the policy's reclamation grounds are judged on when the plan
/// deadline passes; without it the deadline alone sends the case to reclamation.
/// </param>
public sealed record ReviewContext(PolicyDocument Policy, string PolicyVersion, HolidayCalendar Calendar, TimeZoneInfo TimeZone, string District, DateTimeOffset Now,
    ScreeningInput? Parcel = null)
{
    /// <summary>Today's legal date in the tenant's zone.</summary>
    public DateOnly Today => LegalPeriods.LocalDate(Now, TimeZone);
}

/// <summary>Why a command was refused; the edge maps each to an HTTP status.</summary>
public enum RejectionKind
{
    /// <summary>The command does not fit the case's phase (409).</summary>
    NotAllowed,

    /// <summary>The officer does not hold the step's role (403).</summary>
    WrongRole,

    /// <summary>The decision names another step or an earlier visit of it (409).</summary>
    StaleStep,

    /// <summary>That step visit is already decided (409); the recorded decision comes with the rejection.</summary>
    AlreadyDecided,

    /// <summary>A plan gate holds and is not satisfied, so the plan cannot be approved (409/422).</summary>
    GateNotSatisfied,

    /// <summary>A timer fired before its instant; the timer layer should wait and fire it again.</summary>
    NotDue,

    /// <summary>The command itself is malformed: an unknown chain, a return without a comment, a date in the future (400).</summary>
    InvalidCommand,

    /// <summary>The command would take the case past one of its limits (<see cref="Cases.CaseLimits"/>); the rejection names the rule (409).</summary>
    LimitReached,

    /// <summary>
    /// A plan (or a revision of one) breaks a strict plan condition of the policy (<see cref="PlanCondition.Strict"/>), e.g. 中卫
    /// section 4(5)'s 10 % share of scattered plots: it is not taken (422); the rejection names the condition, its article and the facts it reads.
    /// </summary>
    PlanConditionBroken,
}

/// <summary>A refused command.</summary>
/// <param name="Kind">Why, as the edge maps it.</param>
/// <param name="Reason">Why, in words for the problem details.</param>
/// <param name="Existing">For <see cref="RejectionKind.AlreadyDecided"/>, the decision on record.</param>
/// <param name="GateId">For <see cref="RejectionKind.GateNotSatisfied"/>, the gate.</param>
/// <param name="Article">For <see cref="RejectionKind.GateNotSatisfied"/> and <see cref="RejectionKind.PlanConditionBroken"/>, the article that sets the gate or condition.</param>
/// <param name="Rule">For <see cref="RejectionKind.LimitReached"/>, the limit's rule, e.g. <c>rework-limit</c>.</param>
/// <param name="Field">For <see cref="RejectionKind.LimitReached"/>, the request member that would pass it, e.g. <c>action</c>.</param>
/// <param name="ConditionId">For <see cref="RejectionKind.PlanConditionBroken"/>, the condition (its article is <paramref name="Article"/>).</param>
/// <param name="Facts">For <see cref="RejectionKind.PlanConditionBroken"/>, the plan's members the condition reads, relative to the plan,
/// e.g. <c>attributes.scatteredPlotsAreaM2</c> or <c>newLandUse</c> (not the parcel's own fields, which a plan does not state).</param>
public sealed record DecisionRejection(RejectionKind Kind, string Reason, RecordedDecision? Existing = null, string? GateId = null, string? Article = null,
    string? Rule = null, string? Field = null, string? ConditionId = null, IReadOnlyList<string>? Facts = null);

/// <summary>
/// The outcome of a command: the events to append (none when a replayed timer or command changes nothing), or a rejection.
/// </summary>
public sealed record DecisionResult
{
    private DecisionResult(IReadOnlyList<ReviewEvent> events, DecisionRejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    /// <summary>The events, oldest first; empty when rejected or when nothing changes.</summary>
    public IReadOnlyList<ReviewEvent> Events { get; }

    /// <summary>Why the command was refused, or null.</summary>
    public DecisionRejection? Rejection { get; }

    /// <summary>Whether the command was accepted (possibly with no events).</summary>
    public bool IsAccepted => Rejection is null;

    /// <summary>Accepted with these events.</summary>
    public static DecisionResult Accept(params IReadOnlyList<ReviewEvent> events) => new(events, null);

    /// <summary>Accepted and nothing changes (a cancelled or repeated timer).</summary>
    public static DecisionResult Nothing { get; } = new([], null);

    /// <summary>Refused.</summary>
    public static DecisionResult Refuse(RejectionKind kind, string reason, RecordedDecision? existing = null, string? gateId = null, string? article = null) =>
        new([], new DecisionRejection(kind, reason, existing, gateId, article));

    /// <summary>Refused: the case would pass the limit of <paramref name="rule"/>, through the request member <paramref name="field"/>.</summary>
    public static DecisionResult Limit(string rule, string field, string reason) =>
        new([], new DecisionRejection(RejectionKind.LimitReached, reason, Rule: rule, Field: field));

    /// <summary>Refused: the plan breaks the strict condition <paramref name="condition"/>, which reads the plan's <paramref name="facts"/>.</summary>
    public static DecisionResult Broken(PlanCondition condition, string reason, IReadOnlyList<string> facts) =>
        new([], new DecisionRejection(RejectionKind.PlanConditionBroken, reason, Article: condition.Source, ConditionId: condition.Id, Facts: facts));
}

/// <summary>
/// The review's decisions: a pure function of the case's state, the command and the context. It reads no clock,
/// makes no ids and touches no storage, so the handler can load, decide, and persist the events with their outbox
/// rows in one transaction, and a replay decides the same.
/// </summary>
public static class ReviewDecider
{
    /// <summary>
    /// How often an overdue step's officers are reminded again, each time with fresh links: shorter than links live past
    /// a deadline, so an undecided step always has a link that can decide it.
    /// </summary>
    public static readonly TimeSpan OverdueReminderInterval = TimeSpan.FromDays(7);

    /// <summary>Decides <paramref name="command"/> against <paramref name="state"/>.</summary>
    /// <exception cref="InvalidOperationException">The state names a chain or step the policy does not have (the case's policy version was swapped).</exception>
    public static DecisionResult Decide(ReviewState state, ReviewCommand command, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        return command switch
        {
            StartReview c => Start(state, c, context),
            Decide c => DecideStep(state, c, context),
            Resubmitted c => Resubmit(state, c, context),
            ReminderDue c => Remind(state, c, context),
            StepDeadlinePassed c => Overdue(state, c, context),
            OverdueReminderDue c => RemindOverdue(state, c, context),
            ReissueLinks c => Reissue(state, c, context),
            DeterminationServed c => Serve(state, c, context),
            PlanSubmitted c => SubmitPlan(state, c, context),
            RecordPlanDocument c => RecordDocument(state, c, context),
            RevisePlan c => Revise(state, c, context),
            PlanDeadlinePassed => PlanDeadline(state, context),
            PlanDeadlineReminderDue => RemindPlanDeadline(state, context),
            TransitionEnded => EndTransition(state, context),
            TransitionEndReminderDue => RemindTransitionEnd(state, context),
            _ => throw new ArgumentException($"Unknown review command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>
    /// When a step entered at <paramref name="now"/> with <paramref name="timeLimit"/> is due and its officers reminded:
    /// the last day counted from today's legal date (working days skip weekends and holidays; a calendar period ending
    /// on a rest day moves to the next working day), due at 24:00 of it; the reminder <paramref name="reminderBefore"/>
    /// earlier, never before <paramref name="now"/>.
    /// </summary>
    public static (DateOnly LastDay, DateTimeOffset DueAt, DateTimeOffset RemindAt) StepTimes(
        Period timeLimit, Period reminderBefore, HolidayCalendar calendar, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(timeLimit);
        ArgumentNullException.ThrowIfNull(reminderBefore);
        ArgumentNullException.ThrowIfNull(calendar);
        var today = LegalPeriods.LocalDate(now, zone);
        var lastDay = LegalPeriods.LastDay(today, timeLimit, calendar);
        var dueAt = LegalPeriods.EndInstant(lastDay, zone);

        // "N working days before the deadline" is the moment N working days remain: the end of the Nth
        // working day counted back from the last day.
        var remindDay = LegalPeriods.DayBefore(lastDay, reminderBefore, calendar);
        var remindAt = remindDay == lastDay ? dueAt : LegalPeriods.EndInstant(remindDay, zone);
        if (remindAt < now)
        {
            remindAt = now;
        }

        return (lastDay, dueAt, remindAt);
    }

    private static DecisionResult Start(ReviewState state, StartReview command, ReviewContext context)
    {
        if (state.Phase != ReviewPhase.AwaitingReview)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"The review has already started (phase {state.Phase}).");
        }

        var chain = context.Policy.Review.DeterminationChains.FirstOrDefault(c => c.Id == command.ChainId);
        if (chain is null)
        {
            return DecisionResult.Refuse(RejectionKind.InvalidCommand, $"The policy has no determination chain '{command.ChainId}'.");
        }

        var started = new ReviewStarted(context.Now, chain.Id, chain.Name, chain.Source, context.PolicyVersion);
        return DecisionResult.Accept(started, Enter(state, ReviewTrack.Determination, chain, 0, context));
    }

    private static StepEntered Enter(ReviewState state, ReviewTrack track, ReviewChain chain, int index, ReviewContext context)
    {
        var step = chain.Steps[index];
        var (lastDay, dueAt, remindAt) = StepTimes(step.TimeLimit.Period, context.Policy.Review.ReminderBefore, context.Calendar, context.TimeZone, context.Now);
        var attempt = state.Visits.GetValueOrDefault(step.Id) + 1;
        return new StepEntered(
            context.Now, track, chain.Id, index, step.Id, step.Name, attempt,
            RoleResolver.Resolve(step.Role, context.District), step.Source, lastDay, dueAt, remindAt);
    }

    private static DecisionResult DecideStep(ReviewState state, Decide command, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(command.OfficerRoles);
        if (state.DecisionFor(command.StepId, command.Attempt) is { } existing)
        {
            return DecisionResult.Refuse(RejectionKind.AlreadyDecided, $"Step {command.StepId} (attempt {command.Attempt}) was already decided: {existing.Action} by {existing.OfficerId}.", existing);
        }

        if (!state.IsInStep)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"No step is open for decisions (phase {state.Phase}).");
        }

        if (command.StepId != state.StepId || command.Attempt != state.Attempt)
        {
            return DecisionResult.Refuse(RejectionKind.StaleStep, $"The case is at step {state.StepId} (attempt {state.Attempt}), not {command.StepId} (attempt {command.Attempt}).");
        }

        var role = state.StepRole!;
        if (!command.OfficerRoles.Contains(role, StringComparer.Ordinal))
        {
            return DecisionResult.Refuse(RejectionKind.WrongRole, $"Step {state.StepId} is decided by {role}, which officer {command.OfficerId} does not hold.");
        }

        if (Limits(state, command) is { } limited)
        {
            return limited;
        }

        var chain = ChainOf(state, context);
        var step = chain.Steps[state.StepIndex];
        var track = state.Track;
        var now = context.Now;
        switch (command.Action)
        {
            case DecisionAction.Return:
                if (string.IsNullOrWhiteSpace(command.Comment))
                {
                    return DecisionResult.Refuse(RejectionKind.InvalidCommand, "A return for rework needs a comment saying what to add.");
                }

                return DecisionResult.Accept(new ReturnedForRework(now, track, step.Id, state.Attempt, command.OfficerId, command.Comment, [role]));

            case DecisionAction.Reject:
                var rejected = new Rejected(now, track, step.Id, state.Attempt, command.OfficerId, command.Comment, Roles(role, context.Policy.Review.Escalation.NotifyRole));

                // A plan rejected after its deadline leaves no time for another plan, and the deadline's
                // timer already fired while the plan was in review: the case goes to reclamation now.
                return track == ReviewTrack.Plan && PlanDeadlineNow(state, context) is { } deadline && now >= deadline.At
                    ? DecisionResult.Accept(rejected, AfterPlanDeadline(state, context, role))
                    : DecisionResult.Accept(rejected);

            case DecisionAction.Approve:
                var approved = new StepApproved(now, track, step.Id, state.Attempt, command.OfficerId, command.Comment);
                var next = state.StepIndex + 1;
                if (next < chain.Steps.Count)
                {
                    return DecisionResult.Accept(approved, Enter(state.Apply(approved), track, chain, next, context));
                }

                return track == ReviewTrack.Determination
                    ? DecisionResult.Accept(approved, new DeterminationIssued(now, chain.Id, step.Id, command.OfficerId, step.Source, Roles(role, context.Policy.Review.Escalation.NotifyRole)))
                    : ApprovePlan(state, approved, chain, step, role, command.OfficerId, context);

            default:
                return DecisionResult.Refuse(RejectionKind.InvalidCommand, $"Unknown action {command.Action}.");
        }
    }

    // What a decision adds to the case's row is bounded (CaseLimits): its comment, and for a return another round.
    private static DecisionResult? Limits(ReviewState state, Decide command)
    {
        var comments = state.Decisions.Sum(d => d.Comment?.Length ?? 0);
        if (command.Comment is { Length: > 0 } comment && comments + comment.Length > CaseLimits.MaxCommentCharacters)
        {
            return DecisionResult.Limit("comments-limit", "comment",
                $"The comments on this case's decisions total {comments} characters; a case keeps at most {CaseLimits.MaxCommentCharacters}, so this one may have at most {Math.Max(0, CaseLimits.MaxCommentCharacters - comments)}.");
        }

        if (command.Action == DecisionAction.Return && state.Decisions.Count(d => d.Action == DecisionAction.Return) >= CaseLimits.MaxReworkReturns)
        {
            return DecisionResult.Limit("rework-limit", "action",
                $"This case was returned for rework {CaseLimits.MaxReworkReturns} times, the most a case takes; approve or reject it.");
        }

        return null;
    }

    private static DecisionResult ApprovePlan(ReviewState state, StepApproved approved, ReviewChain chain, ReviewStep step, string role, string officerId, ReviewContext context)
    {
        var plan = state.Plan ?? throw new InvalidOperationException("A plan is in review but the state holds no plan.");
        var input = PlanInput(plan, context);
        foreach (var gate in context.Policy.Review.PlanGates)
        {
            if (!ScreeningEngine.Holds(gate.When, input, gate.Id))
            {
                continue;
            }

            var document = plan.Documents.FirstOrDefault(d => d.Kind == gate.RequiredDocument);
            var problem = document switch
            {
                null => $"the {gate.RequiredDocument} is not on file",
                { Failed: true } => $"the {gate.RequiredDocument} failed",
                _ when gate.ApprovedBy.Except(document.ApprovedBy, StringComparer.Ordinal).ToList() is { Count: > 0 } missing =>
                    $"the {gate.RequiredDocument} is not yet approved by {string.Join(", ", missing)}",
                _ => null,
            };
            if (problem is not null)
            {
                return DecisionResult.Refuse(RejectionKind.GateNotSatisfied, $"Gate {gate.Id} ({gate.Source}): {problem}.", gateId: gate.Id, article: gate.Source);
            }
        }

        var transition = context.Policy.Deadlines.TransitionPeriod;
        DateOnly? endsOn = null;
        DateTimeOffset? endsAt = null;

        // Filing (备案, 克拉玛依 art. 8(1)) is the plan's approval at its last step here: the service records no
        // separate filing, so both start the transition period on the approval day.
        if (transition is { StartsAt: DeadlineStart.PlanApproved or DeadlineStart.PlanFiled })
        {
            var lastDay = LegalPeriods.LastDay(context.Today, transition.Period, context.Calendar);
            endsOn = lastDay;
            endsAt = LegalPeriods.EndInstant(lastDay, context.TimeZone);
        }

        return DecisionResult.Accept(
            approved,
            new PlanApproved(context.Now, chain.Id, step.Id, officerId, endsOn, endsAt, endsOn is null ? null : transition!.Source, Roles(role, context.Policy.Review.Escalation.NotifyRole),
                endsOn is { } last ? ReminderAt(last, transition!.RemindBefore ?? DefaultTransitionReminderBefore, context) : null));
    }

    private static DecisionResult Resubmit(ReviewState state, Resubmitted command, ReviewContext context)
    {
        if (state.Phase != ReviewPhase.ReturnedForRework)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"The case is not returned for rework (phase {state.Phase}).");
        }

        var events = new List<ReviewEvent>();
        if (command.Revision is { } revision)
        {
            var revised = Revise(state, revision, context);
            if (!revised.IsAccepted)
            {
                return revised;
            }

            events.AddRange(revised.Events);
            state = ReviewState.Evolve(state, revised.Events);
        }

        var resubmitted = new ReworkResubmitted(context.Now, state.Track, state.StepId!, null);
        state = state.Apply(resubmitted);
        events.Add(resubmitted);
        events.Add(Enter(state, state.Track, ChainOf(state, context), state.StepIndex, context));
        return DecisionResult.Accept(events);
    }

    // A plan returned for rework takes revised facts; its documents stay on file. On the chain that returned it the
    // resubmission resumes at that step; revised facts that choose another chain (e.g. the green channel) start it.
    private static DecisionResult Revise(ReviewState state, RevisePlan command, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(command.Plan);
        if (state.Phase != ReviewPhase.ReturnedForRework)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"The case is not returned for rework (phase {state.Phase}).");
        }

        if (state.Track != ReviewTrack.Plan || state.Plan is null)
        {
            return DecisionResult.Refuse(RejectionKind.InvalidCommand, "Only a plan returned for rework can be revised; this case was returned at its determination.");
        }

        var chain = context.Policy.Review.PlanChains.FirstOrDefault(c => c.Id == command.ChainId);
        if (chain is null)
        {
            return DecisionResult.Refuse(RejectionKind.InvalidCommand, $"The policy has no plan chain '{command.ChainId}'.");
        }

        var (plan, broken) = Conditions(command.Plan with { Documents = state.Plan.Documents }, context);
        return broken ?? DecisionResult.Accept(new PlanRevised(context.Now, plan, chain.Id, chain.Name, chain.Source, chain.Id == state.ChainId ? state.StepIndex : 0));
    }

    /// <summary>
    /// The policy's plan conditions over a plan's facts and the parcel's own fields (a condition whose facts are missing does
    /// not hold). A strict condition the plan breaks refuses it; the in-principle ones (原则上) it breaks go with it as its
    /// departures, which replace any the command carried.
    /// </summary>
    private static (PlanFacts Plan, DecisionResult? Broken) Conditions(PlanFacts plan, ReviewContext context)
    {
        var input = PlanInput(plan, context);
        var stated = context.Policy.Review.PlanAttributes.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var departures = new List<PlanDeparture>();
        foreach (var condition in context.Policy.Review.PlanConditions)
        {
            var outcome = ScreeningEngine.Evaluate(new NamedRule { Id = condition.Id, Description = condition.Description, Source = condition.Source, Rule = condition.Rule }, input);
            if (outcome.Met)
            {
                continue;
            }

            if (condition.Strict)
            {
                var facts = outcome.Values.Keys.Concat(outcome.Missing)
                    .Select(name => stated.Contains(name) ? "attributes." + name : name is PlanFacts.NewLandUseName or PlanFacts.GreenChannelName ? name : null)
                    .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
                return (plan, DecisionResult.Broken(condition, $"Condition {condition.Id} ({condition.Source}) does not hold: {outcome.Explanation} — {condition.Description}", facts));
            }

            departures.Add(new PlanDeparture(condition.Id, condition.Description, condition.Source, outcome.Explanation));
        }

        return (plan with { Departures = departures.Count == 0 ? null : departures }, null);
    }

    // A timer for a step visit the case has left (decided, returned, or an older attempt) was cancelled: it
    // changes nothing. So does a second firing of the same timer.
    private static bool IsCurrentVisit(ReviewState state, string stepId, int attempt) =>
        state.IsInStep && state.StepId == stepId && state.Attempt == attempt;

    private static DecisionResult Remind(ReviewState state, ReminderDue command, ReviewContext context)
    {
        if (!IsCurrentVisit(state, command.StepId, command.Attempt) || state.Reminded || state.Overdue)
        {
            return DecisionResult.Nothing;
        }

        return context.Now < state.StepRemindAt
            ? DecisionResult.Refuse(RejectionKind.NotDue, $"The reminder is due at {state.StepRemindAt:O}.")
            : DecisionResult.Accept(new ReminderRaised(context.Now, state.StepId!, state.Attempt, state.StepRole!, state.StepDueAt!.Value));
    }

    private static DecisionResult Overdue(ReviewState state, StepDeadlinePassed command, ReviewContext context)
    {
        if (!IsCurrentVisit(state, command.StepId, command.Attempt) || state.Overdue)
        {
            return DecisionResult.Nothing;
        }

        // A holiday calendar loaded since the step was entered may put its last day on a rest day: the time limit, counted
        // again from the same day, then ends later, and the step is not overdue before it. Never earlier than first counted.
        var counted = state.StepDueAt!.Value;
        var (lastDay, dueAt) = StepDueNow(state, context)!.Value;
        if (dueAt > counted && context.Now < dueAt)
        {
            return DecisionResult.Accept(new StepDeadlineRecounted(context.Now, state.StepId!, state.Attempt, counted, lastDay, dueAt));
        }

        if (context.Now < dueAt)
        {
            return DecisionResult.Refuse(RejectionKind.NotDue, $"The step is due at {dueAt:O}.");
        }

        var escalation = context.Policy.Review.Escalation;
        return DecisionResult.Accept(new StepOverdue(context.Now, state.StepId!, state.Attempt, state.StepRole!, dueAt, escalation.NotifyRole, escalation.Source));
    }

    private static DecisionResult RemindOverdue(ReviewState state, OverdueReminderDue command, ReviewContext context)
    {
        if (!IsCurrentVisit(state, command.StepId, command.Attempt) || !state.Overdue || command.Number != state.OverdueReminders + 1)
        {
            return DecisionResult.Nothing;
        }

        return context.Now < state.NextOverdueReminderAt
            ? DecisionResult.Refuse(RejectionKind.NotDue, $"The reminder is due at {state.NextOverdueReminderAt:O}.")
            : DecisionResult.Accept(new OverdueReminderRaised(context.Now, state.StepId!, state.Attempt, state.StepRole!, state.StepDueAt!.Value, command.Number));
    }

    private static DecisionResult Reissue(ReviewState state, ReissueLinks command, ReviewContext context)
    {
        // Nothing when the visit has moved on, the officer does not decide it, its links were last mailed after the
        // change (so to the present address), or this change's links went out already: a repeat mails nothing.
        if (!IsCurrentVisit(state, command.StepId, command.Attempt) || !command.OfficerRoles.Contains(state.StepRole!, StringComparer.Ordinal)
            || state.LinksMailedAt >= command.MailboxSince
            || (state.LinksReissued.TryGetValue(command.OfficerId, out var followed) && followed >= command.MailboxSince))
        {
            return DecisionResult.Nothing;
        }

        return DecisionResult.Accept(new LinksReissued(context.Now, state.StepId!, state.Attempt, state.StepRole!, command.OfficerId, command.MailboxSince));
    }

    private static DecisionResult Serve(ReviewState state, DeterminationServed command, ReviewContext context)
    {
        if (state.ServedOn is { } served && state.Phase is not ReviewPhase.DeterminationIssued)
        {
            // A repeated service record changes nothing; a different date would rewrite the plan deadline.
            return served == command.ServedOn
                ? DecisionResult.Nothing
                : DecisionResult.Refuse(RejectionKind.NotAllowed, $"The determination was already served on {served:yyyy-MM-dd}.");
        }

        if (state.Phase != ReviewPhase.DeterminationIssued)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"No determination waits to be served (phase {state.Phase}).");
        }

        if (command.ServedOn > context.Today)
        {
            return DecisionResult.Refuse(RejectionKind.InvalidCommand, $"The service date {command.ServedOn:yyyy-MM-dd} is in the future.");
        }

        if (state.DeterminationIssuedAt is { } issuedAt && command.ServedOn < LegalPeriods.LocalDate(issuedAt, context.TimeZone))
        {
            return DecisionResult.Refuse(RejectionKind.InvalidCommand, $"The service date {command.ServedOn:yyyy-MM-dd} is before the determination was issued.");
        }

        // Art. 201: the day of service is not counted; art. 203: a last day on a rest day moves to the next working day.
        var deadline = context.Policy.Deadlines.PlanSubmission;
        DateOnly? lastDay = deadline is { StartsAt: DeadlineStart.DeterminationServed }
            ? LegalPeriods.LastDay(command.ServedOn, deadline.Period, context.Calendar)
            : null;
        var endsAt = lastDay is { } day ? LegalPeriods.EndInstant(day, context.TimeZone) : (DateTimeOffset?)null;
        return DecisionResult.Accept(new DeterminationServedEvent(
            context.Now, command.ServedOn, lastDay, endsAt, lastDay is null ? null : deadline!.Source, IssuingRoles(state, context, ReviewTrack.Determination),
            lastDay is { } last ? ReminderAt(last, deadline!.RemindBefore ?? DefaultPlanReminderBefore, context) : null));
    }

    /// <summary>How long before the plan deadline ends the officers are reminded when the policy does not say.</summary>
    public static readonly Period DefaultPlanReminderBefore = new() { Days = 30 };

    /// <summary>How long before the transition period ends the officers are reminded when the policy does not say.</summary>
    public static readonly Period DefaultTransitionReminderBefore = new() { Months = 3 };

    /// <summary>
    /// A deadline's reminder (the plan deadline's, the transition period's): the moment <paramref name="before"/> remains
    /// before 24:00 of <paramref name="lastDay"/> (working days counted back over the holiday calendar), or none when that
    /// is already past: the mail that started the period has just told the officers its end.
    /// </summary>
    private static DateTimeOffset? ReminderAt(DateOnly lastDay, Period before, ReviewContext context)
    {
        var remindDay = LegalPeriods.DayBefore(lastDay, before, context.Calendar);
        var remindAt = LegalPeriods.EndInstant(remindDay, context.TimeZone);
        return remindDay < lastDay && remindAt > context.Now ? remindAt : null;
    }

    private static DecisionResult RemindPlanDeadline(ReviewState state, ReviewContext context)
    {
        // Only while the land user still owes a plan: one in review, approved, or a case already reclaimed needs none.
        if (state.Phase != ReviewPhase.DeterminationServed || state.PlanReminderAt is not { } remindAt || state.PlanRemindedAt is not null
            || state.PlanDeadlineLapsedAt is not null || PlanDeadlineNow(state, context) is not { } deadline || context.Now >= deadline.At)
        {
            return DecisionResult.Nothing;
        }

        return context.Now < remindAt
            ? DecisionResult.Refuse(RejectionKind.NotDue, $"The plan deadline's reminder is due at {remindAt:O}.")
            : DecisionResult.Accept(new PlanDeadlineReminderRaised(context.Now, deadline.LastDay, deadline.At,
                context.Policy.Deadlines.PlanSubmission?.Source ?? "", IssuingRoles(state, context, ReviewTrack.Determination)));
    }

    private static DecisionResult SubmitPlan(ReviewState state, PlanSubmitted command, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(command.Plan);
        if (state.Phase != ReviewPhase.DeterminationServed)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"A plan is accepted only after the determination is served and while no plan is in review (phase {state.Phase}).");
        }

        if (PlanDeadlineNow(state, context) is { } deadline && context.Now >= deadline.At)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"The plan deadline ended at {deadline:O}.");
        }

        var chain = context.Policy.Review.PlanChains.FirstOrDefault(c => c.Id == command.ChainId);
        if (chain is null)
        {
            return DecisionResult.Refuse(RejectionKind.InvalidCommand, $"The policy has no plan chain '{command.ChainId}'.");
        }

        // Every plan before this one was rejected (a plan is taken only in this phase, after a plan rejection or none).
        if (state.Decisions.Count(d => d.Track == ReviewTrack.Plan && d.Action == DecisionAction.Reject) >= CaseLimits.MaxPlans)
        {
            return DecisionResult.Limit("plans-limit", "submissionId", $"This case has had {CaseLimits.MaxPlans} plans, the most a case takes.");
        }

        if (command.Plan.Documents.Count > CaseLimits.MaxPlanDocuments)
        {
            return DecisionResult.Limit("plan-documents-limit", "documents",
                $"The plan declares {command.Plan.Documents.Count} documents of a kind; a plan keeps at most {CaseLimits.MaxPlanDocuments}.");
        }

        var (plan, broken) = Conditions(command.Plan, context);
        if (broken is not null)
        {
            return broken;
        }

        var submitted = new PlanSubmittedEvent(context.Now, plan, chain.Id, chain.Name, chain.Source);
        return DecisionResult.Accept(submitted, Enter(state.Apply(submitted), ReviewTrack.Plan, chain, 0, context));
    }

    private static DecisionResult RecordDocument(ReviewState state, RecordPlanDocument command, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(command.Document);
        if (state.Plan is null || state.Phase is not (ReviewPhase.PlanInReview or ReviewPhase.ReturnedForRework) || state.Track != ReviewTrack.Plan)
        {
            return DecisionResult.Refuse(RejectionKind.NotAllowed, $"No plan is in review (phase {state.Phase}).");
        }

        if (state.Plan.Documents.Contains(command.Document))
        {
            return DecisionResult.Nothing;
        }

        return state.Plan.Documents.All(d => d.Kind != command.Document.Kind) && state.Plan.Documents.Count >= CaseLimits.MaxPlanDocuments
            ? DecisionResult.Limit("plan-documents-limit", "kind", $"The plan has {state.Plan.Documents.Count} documents on file, the most a plan keeps; a document of another kind cannot be added.")
            : DecisionResult.Accept(new PlanDocumentRecorded(context.Now, command.Document));
    }

    private static DecisionResult PlanDeadline(ReviewState state, ReviewContext context)
    {
        // A plan in review (or approved) was submitted in time; reclamation already started, or a deadline that already
        // lapsed without it, needs nothing more.
        if (state.Phase != ReviewPhase.DeterminationServed || state.PlanDeadlineAt is not { } deadline || state.PlanDeadlineLapsedAt is not null)
        {
            return DecisionResult.Nothing;
        }

        var now = PlanDeadlineNow(state, context)!.Value;
        if (now.At > deadline && context.Now < now.At)
        {
            // A holiday calendar loaded since the service put the last day on a rest day: the timer moves on with it.
            return DecisionResult.Accept(new PlanDeadlineRecounted(context.Now, state.PlanDeadlineLastDay!.Value, now.LastDay, now.At,
                context.Policy.Deadlines.PlanSubmission!.Source + "; Civil Code art. 203 (a last day on a rest day moves to the next working day)"));
        }

        return context.Now < now.At
            ? DecisionResult.Refuse(RejectionKind.NotDue, $"The plan deadline ends at {now.At:O}.")
            : DecisionResult.Accept(AfterPlanDeadline(state, context, null));
    }

    /// <summary>
    /// The plan deadline as the holiday calendar counts it now: a calendar loaded after the service can make the last day
    /// counted then a rest day, which moves it on (art. 203). Never earlier than the deadline counted at service, which
    /// the land user was told. Null when the case has no plan deadline.
    /// </summary>
    public static (DateOnly LastDay, DateTimeOffset At)? PlanDeadlineNow(ReviewState state, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.PlanDeadlineAt is not { } counted || state.PlanDeadlineLastDay is not { } countedDay)
        {
            return state.PlanDeadlineAt is { } at ? (LegalPeriods.LocalDate(at, context.TimeZone), at) : null;
        }

        if (state.ServedOn is { } served && context.Policy.Deadlines.PlanSubmission is { StartsAt: DeadlineStart.DeterminationServed } deadline
            && LegalPeriods.LastDay(served, deadline.Period, context.Calendar) is var day && day > countedDay)
        {
            return (day, LegalPeriods.EndInstant(day, context.TimeZone));
        }

        return (countedDay, counted);
    }

    /// <summary>
    /// The current step's time limit as the holiday calendar counts it now: counted again from the day the step was entered,
    /// a last day that a calendar loaded since then makes a rest day moves on to the next working day. Never earlier than
    /// first counted, which the officers were told. Null when the case is not at a step.
    /// </summary>
    public static (DateOnly LastDay, DateTimeOffset DueAt)? StepDueNow(ReviewState state, ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.StepId is null || state.StepDueAt is not { } counted)
        {
            return null;
        }

        var first = (LegalPeriods.LocalDate(counted.AddTicks(-1), context.TimeZone), counted);
        var chains = state.Track == ReviewTrack.Plan ? context.Policy.Review.PlanChains : context.Policy.Review.DeterminationChains;
        if (state.StepEnteredAt is not { } entered || chains.FirstOrDefault(c => c.Id == state.ChainId) is not { } chain
            || state.StepIndex >= chain.Steps.Count || chain.Steps[state.StepIndex] is not { } step || step.Id != state.StepId)
        {
            return first;
        }

        var (lastDay, recounted, _) = StepTimes(step.TimeLimit.Period, context.Policy.Review.ReminderBefore, context.Calendar, context.TimeZone, entered);
        return recounted > counted ? (lastDay, recounted) : first;
    }

    /// <summary>
    /// What the plan deadline's passing (with no plan approved) does. Where the policy lists reclamation grounds, the case
    /// goes to reclamation only if one of them holds for the parcel, judged today with the case's own facts (served on
    /// its service day, no plan submitted in time); otherwise the deadline lapses and the issuing officers are told. A
    /// policy with no grounds, or a context without the parcel, lets the deadline alone decide.
    /// </summary>
    private static ReviewEvent AfterPlanDeadline(ReviewState state, ReviewContext context, string? alsoNotify)
    {
        var deadline = context.Policy.Deadlines.PlanSubmission
            ?? throw new InvalidOperationException("A missed plan deadline needs the policy's plan-submission deadline.");
        var notify = Roles([.. IssuingRoles(state, context, ReviewTrack.Determination), .. alsoNotify is null ? [] : new[] { alsoNotify }]);
        var grounds = context.Policy.Reclamation;
        if (grounds.Count == 0 || context.Parcel is not { } parcel)
        {
            return new ReclamationStarted(context.Now, ReclamationReasons.NoPlanByDeadline, deadline.Source, notify);
        }

        var attributes = new Dictionary<string, AttributeValue>(parcel.Attributes, StringComparer.Ordinal)
        {
            [ReclamationFacts.PlanSubmittedInTime] = AttributeValue.Of(false),
        };
        if (state.ServedOn is { } servedOn)
        {
            attributes[ReclamationFacts.DeterminationServedOn] = AttributeValue.Of(servedOn);
        }

        var facts = parcel with { SurveyedOn = context.Today, Attributes = attributes };
        var holding = grounds.FirstOrDefault(g => ScreeningEngine.Holds(g.Rule, facts, g.Id));
        return holding is not null
            ? new ReclamationStarted(context.Now, ReclamationReasons.NoPlanByDeadline, $"{holding.Source}; {deadline.Source}", notify)
            : new PlanDeadlineLapsed(context.Now, deadline.Source, string.Join("; ", grounds.Select(g => g.Source).Distinct(StringComparer.Ordinal)), notify);
    }

    private static DecisionResult RemindTransitionEnd(ReviewState state, ReviewContext context)
    {
        // Only while the period runs.
        if (state.Phase != ReviewPhase.Redevelopment || state.TransitionReminderAt is not { } remindAt || state.TransitionRemindedAt is not null
            || state.TransitionEndsOn is not { } lastDay || state.TransitionEndsAt is not { } endsAt || context.Now >= endsAt)
        {
            return DecisionResult.Nothing;
        }

        return context.Now < remindAt
            ? DecisionResult.Refuse(RejectionKind.NotDue, $"The transition period's reminder is due at {remindAt:O}.")
            : DecisionResult.Accept(new TransitionEndReminderRaised(context.Now, lastDay, endsAt,
                context.Policy.Deadlines.TransitionPeriod?.Source ?? "", IssuingRoles(state, context, ReviewTrack.Plan)));
    }

    private static DecisionResult EndTransition(ReviewState state, ReviewContext context)
    {
        if (state.Phase != ReviewPhase.Redevelopment || state.TransitionEndsAt is not { } endsAt)
        {
            return DecisionResult.Nothing;
        }

        return context.Now < endsAt
            ? DecisionResult.Refuse(RejectionKind.NotDue, $"The transition period ends at {endsAt:O}.")
            : DecisionResult.Accept(new TransitionPeriodEnded(context.Now, context.Policy.Deadlines.TransitionPeriod?.Source, IssuingRoles(state, context, ReviewTrack.Plan)));
    }

    // The role of the step that issued the track's last decision (the officers who own the case), and the supervising role.
    private static IReadOnlyList<string> IssuingRoles(ReviewState state, ReviewContext context, ReviewTrack track)
    {
        var last = state.Decisions.LastOrDefault(d => d.Action == DecisionAction.Approve && d.Track == track);
        var chains = track == ReviewTrack.Plan ? context.Policy.Review.PlanChains : context.Policy.Review.DeterminationChains;
        var step = chains.SelectMany(c => c.Steps).FirstOrDefault(s => s.Id == last?.StepId);
        var escalation = context.Policy.Review.Escalation.NotifyRole;
        return step is null ? [escalation] : Roles(RoleResolver.Resolve(step.Role, context.District), escalation);
    }

    private static IReadOnlyList<string> Roles(params IEnumerable<string> roles) => roles.Distinct(StringComparer.Ordinal).ToList();

    /// <summary>What plan gates and conditions read: the plan's facts and the parcel's own fields (district, zone, area).</summary>
    private static ScreeningInput PlanInput(PlanFacts plan, ReviewContext context) =>
        plan.ToRuleInput(context.District, context.Today) with { Zone = context.Parcel?.Zone, ParcelAreaM2 = context.Parcel?.ParcelAreaM2 };

    private static ReviewChain ChainOf(ReviewState state, ReviewContext context)
    {
        var chains = state.Track == ReviewTrack.Plan ? context.Policy.Review.PlanChains : context.Policy.Review.DeterminationChains;
        return chains.FirstOrDefault(c => c.Id == state.ChainId)
            ?? throw new InvalidOperationException($"The case's {state.Track} chain '{state.ChainId}' is not in its policy; the policy version must be the one the review started under.");
    }
}
