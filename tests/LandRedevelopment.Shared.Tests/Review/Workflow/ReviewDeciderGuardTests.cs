using LandRedevelopment.Calendars;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

public class ReviewDeciderGuardTests
{
    [Fact]
    public void Starting_twice_or_on_an_unknown_chain_is_refused()
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        Assert.Equal(RejectionKind.InvalidCommand, h.Try(new StartReview("park-committee"), Local(2026, 11, 2)).Rejection?.Kind);
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new StartReview("standard"), Local(2026, 11, 2)).Rejection?.Kind);
        Assert.Equal(2, h.Log.Count);
    }

    [Fact]
    public void Commands_out_of_phase_are_refused_and_change_nothing()
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        var plan = new PlanFacts("industrial", "industrial", []);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new Decide("district-investigation", 1, "wang", ["district-bureau:克拉玛依区"], DecisionAction.Approve, null), Local(2026, 11, 2)).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new PlanSubmitted(plan, "standard"), Local(2026, 11, 2)).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new DeterminationServed(new DateOnly(2026, 11, 2)), Local(2026, 11, 2)).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new Resubmitted(), Local(2026, 11, 2)).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new RecordPlanDocument(new PlanDocument("x", [])), Local(2026, 11, 2)).Rejection?.Kind);
        Assert.Empty(h.Run(new PlanDeadlinePassed(), Local(2026, 11, 2)));
        Assert.Empty(h.Run(new TransitionEnded(), Local(2026, 11, 2)));
        Assert.Same(ReviewState.Initial, h.State);
    }

    [Fact]
    public void A_service_date_in_the_future_or_before_issue_is_refused()
    {
        var h = new ReviewHarness("jiamusi", "前进区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(new Decide("district-investigation", 1, "a", ["district-bureau:前进区"], DecisionAction.Approve, null), Local(2026, 11, 3));
        h.Run(new Decide("city-bureau-determination", 1, "b", ["city-bureau"], DecisionAction.Approve, null), Local(2026, 11, 4));
        Assert.Equal(RejectionKind.InvalidCommand, h.Try(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 4)).Rejection?.Kind);
        Assert.Equal(RejectionKind.InvalidCommand, h.Try(new DeterminationServed(new DateOnly(2026, 11, 3)), Local(2026, 11, 4)).Rejection?.Kind);
        var served = (DeterminationServedEvent)h.Run(new DeterminationServed(new DateOnly(2026, 11, 4)), Local(2026, 11, 4)).Single();
        Assert.Null(served.PlanDeadlineAt); // 佳木斯 sets no plan deadline, so no reclamation timer
    }

    [Fact]
    public void A_revised_plan_only_comes_with_a_returned_plan()
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(new Decide("district-investigation", 1, "wang", ["district-bureau:克拉玛依区"], DecisionAction.Return, "补充"), Local(2026, 11, 3));
        var result = h.Try(new Resubmitted(new RevisePlan(new PlanFacts("industrial", "industrial", []), "standard")), Local(2026, 11, 4));
        Assert.Equal(RejectionKind.InvalidCommand, result.Rejection?.Kind);
    }

    [Fact]
    public void Every_step_is_due_after_it_starts_and_reminded_between_now_and_the_deadline()
    {
        // Over a year of start days around the made-up holiday week, in working and calendar days.
        Period[] limits = [Period.OfWorkingDays(1), Period.OfWorkingDays(5), Period.OfWorkingDays(20), Period.OfDays(3), Period.OfMonths(1)];
        Period[] reminders = [Period.OfWorkingDays(2), Period.OfDays(1)];
        for (var day = new DateOnly(2026, 6, 1); day < new DateOnly(2027, 6, 1); day = day.AddDays(1))
        {
            var now = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 30)), TimeSpan.FromHours(8));
            foreach (var limit in limits)
            {
                foreach (var before in reminders)
                {
                    var (lastDay, dueAt, remindAt) = ReviewDecider.StepTimes(limit, before, MadeUpCalendar, China, now);
                    Assert.True(lastDay > day, $"{day} + {limit}");
                    Assert.True(MadeUpCalendar.IsWorkingDay(lastDay), $"{day} + {limit} ends on rest day {lastDay}");
                    Assert.Equal(LegalPeriods.EndInstant(lastDay, China), dueAt);
                    Assert.InRange(remindAt, now, dueAt);
                }
            }
        }
    }
}
