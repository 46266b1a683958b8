using System.Globalization;
using LandRedevelopment.Cases;
using LandRedevelopment.Review.Workflow;

namespace LandRedevelopment.Review.Durable;

/// <summary>
/// The durable timers a review state wants, as timer rows of the case: a step's reminder and deadline, the plan
/// deadline, the end of the transition period. Declarative: after every transition the rows are made to match
/// the state, so a decided step's timers are deleted in the same transaction (cancelled), and a timer that fires
/// late for a step the case has left finds no row and does nothing.
/// </summary>
public static class ReviewTimers
{
    private const string Remind = "remind";
    private const string Due = "due";
    private const string PlanDeadline = "plan-deadline";
    private const string TransitionEnd = "transition-end";

    /// <summary>The timers <paramref name="state"/> wants.</summary>
    public static IReadOnlyList<CaseTimer> Desired(ReviewState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var timers = new List<CaseTimer>();
        if (state.IsInStep && state.StepDueAt is { } dueAt)
        {
            if (!state.Reminded && !state.Overdue && state.StepRemindAt is { } remindAt && remindAt < dueAt)
            {
                timers.Add(new CaseTimer(StepKey(Remind, state.StepId!, state.Attempt), remindAt));
            }

            if (!state.Overdue)
            {
                timers.Add(new CaseTimer(StepKey(Due, state.StepId!, state.Attempt), dueAt));
            }
        }

        if (state.Phase == ReviewPhase.DeterminationServed && state.PlanDeadlineAt is { } planDeadline)
        {
            timers.Add(new CaseTimer(CaseStore.TimerRowPrefix + PlanDeadline, planDeadline));
        }

        if (state.Phase == ReviewPhase.Redevelopment && state.TransitionEndsAt is { } transitionEnds)
        {
            timers.Add(new CaseTimer(CaseStore.TimerRowPrefix + TransitionEnd, transitionEnds));
        }

        return timers;
    }

    /// <summary>The command a timer row fires, or null for a key this version does not know.</summary>
    public static ReviewCommand? CommandFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(CaseStore.TimerRowPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key[CaseStore.TimerRowPrefix.Length..];
        switch (rest)
        {
            case PlanDeadline: return new PlanDeadlinePassed();
            case TransitionEnd: return new TransitionEnded();
        }

        // {kind}-{escaped step id}-{attempt}
        var firstDash = rest.IndexOf('-', StringComparison.Ordinal);
        var lastDash = rest.LastIndexOf('-');
        if (firstDash <= 0 || lastDash <= firstDash || !int.TryParse(rest[(lastDash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return null;
        }

        var step = Uri.UnescapeDataString(rest[(firstDash + 1)..lastDash]);
        return rest[..firstDash] switch
        {
            Remind => new ReminderDue(step, attempt),
            Due => new StepDeadlinePassed(step, attempt),
            _ => null,
        };
    }

    // Step ids are policy slugs; escaping keeps any character a row key forbids ('/', '\\', '#', '?') out regardless.
    private static string StepKey(string kind, string stepId, int attempt) =>
        FormattableString.Invariant($"{CaseStore.TimerRowPrefix}{kind}-{Uri.EscapeDataString(stepId).Replace("-", "%2D", StringComparison.Ordinal)}-{attempt}");
}
