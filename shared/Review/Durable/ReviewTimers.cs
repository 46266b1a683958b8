using System.Globalization;
using LandRedevelopment.Cases;
using LandRedevelopment.Review.Workflow;

namespace LandRedevelopment.Review.Durable;

/// <summary>
/// The durable timers a review state wants, as timer rows of the case: a step's reminder and deadline, the plan
/// deadline and its reminder, the end of the transition period and its reminder. Declarative: after every transition the rows are made to match
/// the state, so a decided step's timers are deleted in the same transaction (cancelled), and a timer that fires
/// late for a step the case has left finds no row and does nothing.
/// </summary>
public static class ReviewTimers
{
    private const string Remind = "remind";
    private const string Due = "due";
    private const string OverdueRemind = "overdue";
    private const string PlanDeadline = "plan-deadline";
    private const string PlanReminder = "plan-reminder";
    private const string TransitionEnd = "transition-end";
    private const string TransitionReminder = "transition-reminder";

    /// <summary>Whether a timer row is the review's (the case's other timers, e.g. payment due dates, are not).</summary>
    public static bool Owns(string key) => CommandFor(key) is not null;

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

            // Each repeated reminder has a key of its own (the count is in it), so firing one never touches the next.
            if (state.NextOverdueReminderAt is { } again)
            {
                timers.Add(new CaseTimer(StepKey(OverdueRemind + (state.OverdueReminders + 1).ToString(CultureInfo.InvariantCulture), state.StepId!, state.Attempt), again));
            }
        }

        if (state.Phase == ReviewPhase.DeterminationServed && state.PlanDeadlineAt is { } planDeadline)
        {
            timers.Add(new CaseTimer(CaseStore.TimerRowPrefix + PlanDeadline, planDeadline));
            if (state.PlanReminderAt is { } planReminder && state.PlanRemindedAt is null && state.PlanDeadlineLapsedAt is null && planReminder < planDeadline)
            {
                timers.Add(new CaseTimer(CaseStore.TimerRowPrefix + PlanReminder, planReminder));
            }
        }

        if (state.Phase == ReviewPhase.Redevelopment && state.TransitionEndsAt is { } transitionEnds)
        {
            timers.Add(new CaseTimer(CaseStore.TimerRowPrefix + TransitionEnd, transitionEnds));
            if (state.TransitionReminderAt is { } transitionReminder && state.TransitionRemindedAt is null && transitionReminder < transitionEnds)
            {
                timers.Add(new CaseTimer(CaseStore.TimerRowPrefix + TransitionReminder, transitionReminder));
            }
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
            case PlanReminder: return new PlanDeadlineReminderDue();
            case TransitionEnd: return new TransitionEnded();
            case TransitionReminder: return new TransitionEndReminderDue();
        }

        // {kind}-{attempt}-{step id}: the step id last, so its own dashes need no escaping.
        var firstDash = rest.IndexOf('-', StringComparison.Ordinal);
        var secondDash = firstDash < 0 ? -1 : rest.IndexOf('-', firstDash + 1);
        if (firstDash <= 0 || secondDash <= firstDash + 1 || secondDash == rest.Length - 1
            || !int.TryParse(rest[(firstDash + 1)..secondDash], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return null;
        }

        var step = rest[(secondDash + 1)..];
        var kind = rest[..firstDash];
        if (kind.StartsWith(OverdueRemind, StringComparison.Ordinal))
        {
            return int.TryParse(kind[OverdueRemind.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                ? new OverdueReminderDue(step, attempt, number)
                : null;
        }

        return kind switch
        {
            Remind => new ReminderDue(step, attempt),
            Due => new StepDeadlinePassed(step, attempt),
            _ => null,
        };
    }

    // Step ids are policy ids (lower-case letters, digits and '-', by the policy schema), so they are safe in a row key as they
    // are; '%', which some Azure Table operations refuse in keys, never appears.
    private static string StepKey(string kind, string stepId, int attempt) =>
        FormattableString.Invariant($"{CaseStore.TimerRowPrefix}{kind}-{attempt}-{stepId}");
}
