using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;

namespace LandRedevelopment.Functions.Cases;

/// <summary>The step a case is at: who decides it and by when.</summary>
public sealed record StepView(string Id, string Name, int Attempt, string Role, string Source, DateOnly LastDay, DateTimeOffset DueAt, DateTimeOffset? RemindAt, bool Reminded, bool Overdue);

/// <summary>An officer who must act.</summary>
public sealed record OfficerRef(string Id, string Name);

/// <summary>A decision as the case view shows it.</summary>
public sealed record DecisionView(string Track, string StepId, int Attempt, string OfficerId, DateTimeOffset At, string Action, string? Comment);

/// <summary>A deadline of the case: what, when, the article, and whether it is pending, passed or met.</summary>
public sealed record DeadlineView(string Kind, DateOnly? LastDay, DateTimeOffset At, string? Source, string Status);

/// <summary>Where the review of a case stands.</summary>
public sealed record ReviewView(
    string Phase, string Track, string? ChainId, StepView? CurrentStep, IReadOnlyList<OfficerRef> MustAct, IReadOnlyList<DecisionView> Decisions,
    DateTimeOffset? DeterminationIssuedAt, string? DeterminationNotice, DateOnly? ServedOn, bool ResubmissionPending, PlanFacts? Plan,
    DateOnly? TransitionEndsOn, string? ReclamationReason, string? PolicyVersion);

internal static class ReviewViews
{
    public static async Task<(ReviewView Review, IReadOnlyList<DeadlineView> Deadlines)> ViewAsync(LoadedCase loaded, ReviewService review, CancellationToken ct)
    {
        var state = loaded.State;
        var c = loaded.Case;
        var step = state.IsInStep ? ReviewBriefs.Step(loaded) : null;
        IReadOnlyList<OfficerRef> mustAct = [];
        if (step is not null)
        {
            mustAct = (await review.OfficersAsync(c.TenantId, ct)).Where(o => o.Roles.Contains(step.Role, StringComparer.Ordinal)).Select(o => new OfficerRef(o.Id, o.Name)).ToList();
        }

        var stepView = step is null ? null : new StepView(step.StepId, step.StepName, step.Attempt, step.Role, step.Source, step.LastDay, step.DueAt, state.StepRemindAt, state.Reminded, state.Overdue);
        var deadlines = new List<DeadlineView>();
        var now = loaded.Context.Now;
        if (step is not null)
        {
            if (state.StepRemindAt is { } remindAt && remindAt < step.DueAt)
            {
                deadlines.Add(new DeadlineView("step-reminder", null, remindAt, step.Source, state.Reminded ? "sent" : "pending"));
            }

            deadlines.Add(new DeadlineView("step-decision", step.LastDay, step.DueAt, step.Source, state.Overdue ? "overdue" : "pending"));
        }

        var policy = loaded.Context.Policy;
        if (state.PlanDeadlineAt is { } planAt)
        {
            var planDay = state.PlanDeadlineLastDay;
            var running = state.Phase == ReviewPhase.DeterminationServed && state.PlanDeadlineLapsedAt is null;
            if (running && planDay is not null && ReviewDecider.PlanDeadlineNow(state, loaded.Context) is var (day, at))
            {
                // As the holiday calendar counts it now: a last day a calendar loaded since the service makes a rest day
                // shows the working day it moved to, as the deadline's timer will count it, before the timer has.
                (planDay, planAt) = (day, at);
            }

            if (state.PlanReminderAt is { } remindAt && (running || state.PlanRemindedAt is not null))
            {
                // The officers are told the deadline is near while no plan has come (cancelled once one does).
                deadlines.Add(new DeadlineView("plan-submission-reminder", null, remindAt, policy.Deadlines.PlanSubmission?.Source, state.PlanRemindedAt is null ? "pending" : "sent"));
            }

            var status = state.Phase == ReviewPhase.Reclamation ? "passed" : state.Phase == ReviewPhase.DeterminationServed ? (now >= planAt ? "passed" : "pending") : "met";
            deadlines.Add(new DeadlineView("plan-submission", planDay, planAt, policy.Deadlines.PlanSubmission?.Source, status));
        }

        if (state.TransitionEndsAt is { } transitionAt)
        {
            if (state.TransitionReminderAt is { } remindAt && (state.Phase == ReviewPhase.Redevelopment || state.TransitionRemindedAt is not null))
            {
                deadlines.Add(new DeadlineView("transition-period-reminder", null, remindAt, policy.Deadlines.TransitionPeriod?.Source, state.TransitionRemindedAt is null ? "pending" : "sent"));
            }

            deadlines.Add(new DeadlineView("transition-period", state.TransitionEndsOn, transitionAt, policy.Deadlines.TransitionPeriod?.Source,
                state.Phase == ReviewPhase.TransitionOver ? "passed" : "pending"));
        }

        var view = new ReviewView(
            Camel(state.Phase.ToString()), Camel(state.Track.ToString()), state.ChainId, stepView, mustAct,
            state.Decisions.Select(d => new DecisionView(Camel(d.Track.ToString()), d.StepId, d.Attempt, d.OfficerId, d.At, d.Action.ToWire(), d.Comment)).ToList(),
            state.DeterminationIssuedAt,
            state.DeterminationIssuedAt is null ? null : $"/api/t/{c.TenantId}/cases/{c.CaseId}/determination-notice",
            state.ServedOn, c.ResubmissionPending, state.Plan, state.TransitionEndsOn, state.ReclamationReason, state.PolicyVersion);
        return (view, deadlines);
    }

    private static string Camel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
