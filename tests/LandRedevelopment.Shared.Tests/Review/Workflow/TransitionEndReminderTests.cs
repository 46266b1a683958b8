using LandRedevelopment.Calendars;
using LandRedevelopment.Cases;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

/// <summary>
/// Before the transition period ends, the officers who approved the plan are reminded once: three months before by
/// default, or as long before as the policy's <c>remindBefore</c> says.
/// </summary>
public class TransitionEndReminderTests
{
    /// <summary>A Karamay case whose plan was approved (filed) on Tuesday 5 January 2027: five years, to Monday 5 January 2032.</summary>
    private static ReviewHarness Approved(Period? remindBefore = null, Period? period = null)
    {
        var h = KaramayServed(d => d with { TransitionPeriod = d.TransitionPeriod! with { RemindBefore = remindBefore, Period = period ?? d.TransitionPeriod.Period } });
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2027, 1, 4));
        h.Run(new Decide(h.State.StepId!, h.State.Attempt, "wang", ["district-bureau:克拉玛依区"], DecisionAction.Approve, null), Local(2027, 1, 5));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
        return h;
    }

    private static CaseTimer? ReminderTimer(ReviewState state) => ReviewTimers.Desired(state).SingleOrDefault(t => t.Key.EndsWith("transition-reminder", StringComparison.Ordinal));

    [Fact]
    public void Three_months_before_the_last_day_the_officers_who_approved_the_plan_are_reminded_once()
    {
        var h = Approved();
        Assert.Equal(new DateOnly(2032, 1, 5), h.State.TransitionEndsOn);

        // The moment three months remain: the end of 5 October 2031.
        var remindAt = Local(2031, 10, 6, 0);
        Assert.Equal(remindAt, h.State.TransitionReminderAt);
        Assert.Equal(remindAt, ReminderTimer(h.State)?.DueAt);
        Assert.IsType<TransitionEndReminderDue>(ReviewTimers.CommandFor(ReminderTimer(h.State)!.Key));

        Assert.Equal(RejectionKind.NotDue, h.Try(new TransitionEndReminderDue(), remindAt.AddMinutes(-1)).Rejection?.Kind);
        var reminded = Assert.IsType<TransitionEndReminderRaised>(Assert.Single(h.Run(new TransitionEndReminderDue(), remindAt.AddMinutes(1))));

        Assert.Equal((new DateOnly(2032, 1, 5), h.State.TransitionEndsAt!.Value), (reminded.LastDay, reminded.EndsAt));
        Assert.Contains("district-bureau:克拉玛依区", reminded.NotifyRoles);
        Assert.Contains("克拉玛依 art. 8(1)", reminded.Article, StringComparison.Ordinal);
        Assert.Null(ReminderTimer(h.State));
        Assert.Empty(h.Run(new TransitionEndReminderDue(), remindAt.AddDays(1)));

        // The period itself still runs to its end.
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
        Assert.NotNull(ReviewTimers.Desired(h.State).SingleOrDefault(t => t.Key.EndsWith("transition-end", StringComparison.Ordinal)));
        Assert.IsType<TransitionPeriodEnded>(Assert.Single(h.Run(new TransitionEnded(), h.State.TransitionEndsAt!.Value)));
    }

    [Fact]
    public void The_policy_sets_how_long_before_in_working_days()
    {
        // Ten working days back from Monday 5 January 2032: Monday 22 December 2031, so the reminder is at its end.
        var h = Approved(remindBefore: new Period { WorkingDays = 10 });

        Assert.Equal(Local(2031, 12, 23, 0), h.State.TransitionReminderAt);
    }

    [Fact]
    public void A_period_shorter_than_the_reminder_has_none_and_a_period_that_ended_needs_none()
    {
        var shortPeriod = Approved(period: new Period { Days = 60 });
        Assert.NotNull(shortPeriod.State.TransitionEndsAt);
        Assert.Null(shortPeriod.State.TransitionReminderAt);
        Assert.Null(ReminderTimer(shortPeriod.State));

        // A reminder that comes only after the end (its timer late) says nothing.
        var h = Approved();
        h.Run(new TransitionEnded(), h.State.TransitionEndsAt!.Value);
        Assert.Empty(h.Run(new TransitionEndReminderDue(), h.State.TransitionEndsAt!.Value.AddHours(1)));
        Assert.Null(ReminderTimer(h.State));
    }
}
