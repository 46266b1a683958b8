using LandRedevelopment.Cases;
using LandRedevelopment.Review;
using LandRedevelopment.Calendars;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

/// <summary>
/// Before the plan deadline ends with no plan, the officers who issued the determination are reminded once: 30 days
/// before by default, or as long before as the policy's <c>remindBefore</c> says; not once a plan is in.
/// </summary>
public class PlanDeadlineReminderTests
{
    /// <summary>A Karamay case served on Thursday 5 November 2026: six months to submit a plan, the last day Wednesday 5 May 2027.</summary>
    private static ReviewHarness Served(Period? remindBefore = null, Period? deadline = null) =>
        KaramayServed(d => d with { PlanSubmission = d.PlanSubmission! with { RemindBefore = remindBefore, Period = deadline ?? d.PlanSubmission.Period } });

    private static CaseTimer? ReminderTimer(ReviewState state) => ReviewTimers.Desired(state).SingleOrDefault(t => t.Key.EndsWith("plan-reminder", StringComparison.Ordinal));

    [Fact]
    public void Thirty_days_before_the_last_day_the_officers_who_issued_the_determination_are_reminded_once()
    {
        var h = Served();
        Assert.Equal(new DateOnly(2027, 5, 5), h.State.PlanDeadlineLastDay);

        // The moment 30 days remain: the end of 5 April 2027.
        var remindAt = Local(2027, 4, 6, 0);
        Assert.Equal(remindAt, h.State.PlanReminderAt);
        Assert.Equal(remindAt, ReminderTimer(h.State)?.DueAt);
        Assert.IsType<PlanDeadlinePassed>(ReviewTimers.CommandFor(ReviewTimers.Desired(h.State).Single(t => t.Key.EndsWith("plan-deadline", StringComparison.Ordinal)).Key));
        Assert.IsType<PlanDeadlineReminderDue>(ReviewTimers.CommandFor(ReminderTimer(h.State)!.Key));

        Assert.Equal(RejectionKind.NotDue, h.Try(new PlanDeadlineReminderDue(), remindAt.AddMinutes(-1)).Rejection?.Kind);
        var reminded = Assert.IsType<PlanDeadlineReminderRaised>(Assert.Single(h.Run(new PlanDeadlineReminderDue(), remindAt.AddMinutes(1))));

        Assert.Equal((new DateOnly(2027, 5, 5), Local(2027, 5, 6, 0)), (reminded.LastDay, reminded.DeadlineAt));
        Assert.Contains("district-bureau:克拉玛依区", reminded.NotifyRoles);
        Assert.Contains("克拉玛依 art. 8", reminded.Article, StringComparison.Ordinal);
        Assert.Null(ReminderTimer(h.State));
        Assert.Empty(h.Run(new PlanDeadlineReminderDue(), remindAt.AddDays(1)));

        // The deadline itself still runs.
        Assert.NotNull(ReviewTimers.Desired(h.State).SingleOrDefault(t => t.Key.EndsWith("plan-deadline", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_plan_in_before_the_reminder_cancels_it_and_a_rejected_plan_brings_it_back()
    {
        var h = Served();
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2027, 1, 4));
        Assert.Null(ReminderTimer(h.State));
        Assert.Empty(h.Run(new PlanDeadlineReminderDue(), Local(2027, 4, 7)));

        // The plan is rejected: the land user owes one again, and the reminder is due again.
        h.Run(new Decide(h.State.StepId!, h.State.Attempt, "officer", ["district-bureau:克拉玛依区", "district-government:克拉玛依区", "city-bureau"], DecisionAction.Reject, "不符合规划"), Local(2027, 1, 10));
        Assert.Equal(ReviewPhase.DeterminationServed, h.State.Phase);
        Assert.Equal(Local(2027, 4, 6, 0), ReminderTimer(h.State)?.DueAt);
    }

    [Fact]
    public void The_policy_sets_how_long_before_in_working_days()
    {
        // Ten working days back from Wednesday 5 May 2027: Wednesday 21 April, so the reminder is at its end.
        var h = Served(remindBefore: new Period { WorkingDays = 10 });

        Assert.Equal(Local(2027, 4, 22, 0), h.State.PlanReminderAt);
    }

    [Fact]
    public void A_deadline_shorter_than_the_reminder_has_none()
    {
        // Twenty days from service: 30 days before its end is already past when it is served.
        var h = Served(deadline: new Period { Days = 20 });

        Assert.NotNull(h.State.PlanDeadlineAt);
        Assert.Null(h.State.PlanReminderAt);
        Assert.Null(ReminderTimer(h.State));
    }

    [Fact]
    public void The_reminder_names_the_last_day_as_the_calendar_counts_it_now()
    {
        var h = Served();

        // A calendar loaded after the service makes 5 May a holiday: the reminder names 6 May.
        h.Calendar = new HolidayCalendar([new DateOnly(2027, 5, 5)], []);
        var reminded = Assert.IsType<PlanDeadlineReminderRaised>(Assert.Single(h.Run(new PlanDeadlineReminderDue(), Local(2027, 4, 6, 9))));

        Assert.Equal(new DateOnly(2027, 5, 6), reminded.LastDay);
    }
}
