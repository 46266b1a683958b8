using LandRedevelopment.Calendars;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

/// <summary>
/// A plan deadline counted at service, before the next year's holiday calendar was loaded, follows the calendar loaded
/// later: a last day that became a rest day moves on to the next working day (Civil Code art. 203), never back.
/// </summary>
public class PlanDeadlineRecountTests
{
    // TEST DATA, made up: a "Labour Day" week 1–5 May 2027 loaded after the service, and a make-up working day.
    private static readonly HolidayCalendar LaterCalendar = new(
        holidays: Enumerable.Range(1, 5).Select(d => new DateOnly(2027, 5, d)),
        makeUpWorkingDays: [new DateOnly(2027, 5, 8)]);

    private static readonly string[] CityBureau = ["city-bureau"];

    /// <summary>A Karamay case served on 5 November 2026: six months to submit a plan, the last day Wednesday 5 May 2027.</summary>
    private static ReviewHarness Served(HolidayCalendar? calendar = null)
    {
        var h = new ReviewHarness("karamay", "克拉玛依区", calendar);
        h.Run(new StartReview("standard"), Local(2026, 10, 12));
        foreach (var roles in new[] { new[] { "district-bureau:克拉玛依区" }, ["district-government:克拉玛依区"], CityBureau, ["district-bureau:克拉玛依区"] })
        {
            h.Run(new Decide(h.State.StepId!, h.State.Attempt, "officer", roles, DecisionAction.Approve, null), Local(2026, 10, 20));
        }

        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        return h;
    }

    [Fact]
    public void The_deadline_timer_finds_the_last_day_a_holiday_now_and_moves_on_instead_of_reclaiming()
    {
        var h = Served();
        Assert.Equal(new DateOnly(2027, 5, 5), h.State.PlanDeadlineLastDay);
        h.Calendar = LaterCalendar;

        var events = h.Run(new PlanDeadlinePassed(), Local(2027, 5, 6, 0));

        var recounted = Assert.IsType<PlanDeadlineRecounted>(Assert.Single(events));
        Assert.Equal((new DateOnly(2027, 5, 5), new DateOnly(2027, 5, 6)), (recounted.WasLastDay, recounted.LastDay));
        Assert.Contains("art. 203", recounted.Article, StringComparison.Ordinal);
        Assert.Equal((ReviewPhase.DeterminationServed, Local(2027, 5, 7, 0)), (h.State.Phase, h.State.PlanDeadlineAt));

        // Within the day gained a plan is taken; had none come, the next firing after it would reclaim.
        Assert.Equal(RejectionKind.NotDue, h.Try(new PlanDeadlinePassed(), Local(2027, 5, 6, 23)).Rejection?.Kind);
        var after = h.Try(new PlanDeadlinePassed(), Local(2027, 5, 7, 1));
        Assert.IsType<ReclamationStarted>(Assert.Single(after.Events));
    }

    [Fact]
    public void The_plan_deadline_now_follows_a_later_calendar_before_its_timer_fires()
    {
        var h = Served();
        Assert.Equal((new DateOnly(2027, 5, 5), Local(2027, 5, 6, 0)), ReviewDecider.PlanDeadlineNow(h.State, h.Context(Local(2027, 1, 4))));
        h.Calendar = LaterCalendar;
        Assert.Equal((new DateOnly(2027, 5, 6), Local(2027, 5, 7, 0)), ReviewDecider.PlanDeadlineNow(h.State, h.Context(Local(2027, 1, 4))));
    }

    [Fact]
    public void A_plan_on_the_day_gained_is_taken_even_before_the_timer_has_recounted()
    {
        var h = Served();
        h.Calendar = LaterCalendar;

        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2027, 5, 6, 15));

        Assert.Equal(ReviewPhase.PlanInReview, h.State.Phase);
    }

    [Fact]
    public void Without_a_later_calendar_the_deadline_stands_and_a_calendar_never_brings_it_forward()
    {
        var h = Served();
        Assert.IsType<ReclamationStarted>(Assert.Single(h.Run(new PlanDeadlinePassed(), Local(2027, 5, 6, 0))));

        // Counted at service with the holiday week loaded (last day Thursday 6 May); the calendar is then replaced by one
        // without it. The land user was told 6 May: the deadline stays there.
        var told = Served(LaterCalendar);
        Assert.Equal(new DateOnly(2027, 5, 6), told.State.PlanDeadlineLastDay);
        told.Calendar = MadeUpCalendar;
        Assert.Equal(RejectionKind.NotDue, told.Try(new PlanDeadlinePassed(), Local(2027, 5, 6, 1)).Rejection?.Kind);
        told.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2027, 5, 6, 15));
        Assert.Equal(ReviewPhase.PlanInReview, told.State.Phase);
    }
}

/// <summary>A step's time limit follows a holiday calendar loaded after the step was entered, the same way.</summary>
public class StepDeadlineRecountTests
{
    [Fact]
    public void A_step_whose_last_day_became_a_holiday_is_not_overdue_until_the_next_working_day_ends()
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        var entered = h.Run(new StartReview("standard"), Local(2026, 11, 2)).OfType<StepEntered>().Single();
        var lastDay = entered.LastDay;
        var next = lastDay.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        // The year's calendar, loaded while the step is open, makes its last day a holiday.
        h.Calendar = new HolidayCalendar([lastDay], []);
        var events = h.Run(new StepDeadlinePassed(entered.StepId, entered.Attempt), entered.DueAt.AddMinutes(1));

        var recounted = Assert.IsType<StepDeadlineRecounted>(Assert.Single(events));
        Assert.Equal((entered.DueAt, next), (recounted.WasDueAt, recounted.LastDay));
        Assert.Equal((false, recounted.DueAt), (h.State.Overdue, h.State.StepDueAt));
        Assert.Equal(RejectionKind.NotDue, h.Try(new StepDeadlinePassed(entered.StepId, entered.Attempt), recounted.DueAt.AddMinutes(-1)).Rejection?.Kind);

        var overdue = h.Run(new StepDeadlinePassed(entered.StepId, entered.Attempt), recounted.DueAt.AddMinutes(1));
        Assert.Equal(recounted.DueAt, Assert.IsType<StepOverdue>(Assert.Single(overdue)).DueAt);
    }

    [Fact]
    public void The_step_due_now_follows_a_later_calendar_at_once_and_never_moves_earlier()
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        var entered = h.Run(new StartReview("standard"), Local(2026, 11, 2)).OfType<StepEntered>().Single();
        Assert.Equal((entered.LastDay, entered.DueAt), ReviewDecider.StepDueNow(h.State, h.Context(Local(2026, 11, 3))));

        // Before any timer fires, the count as of now already names the next working day.
        h.Calendar = new HolidayCalendar([entered.LastDay], []);
        var (lastDay, dueAt) = ReviewDecider.StepDueNow(h.State, h.Context(Local(2026, 11, 3)))!.Value;
        Assert.True(lastDay > entered.LastDay && dueAt > entered.DueAt, $"{entered.LastDay} → {lastDay}");

        // A calendar that makes an earlier day a working day never brings the deadline forward.
        var weekendWorked = Enumerable.Range(1, 30).Select(d => new DateOnly(2026, 11, d)).Where(d => d.DayOfWeek is DayOfWeek.Saturday).ToArray();
        h.Calendar = new HolidayCalendar([], weekendWorked);
        Assert.Equal((entered.LastDay, entered.DueAt), ReviewDecider.StepDueNow(h.State, h.Context(Local(2026, 11, 3))));
        Assert.Null(ReviewDecider.StepDueNow(ReviewState.Initial, h.Context(Local(2026, 11, 3))));
    }

    [Fact]
    public void Without_a_later_calendar_the_step_is_overdue_at_its_deadline()
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        var entered = h.Run(new StartReview("standard"), Local(2026, 11, 2)).OfType<StepEntered>().Single();

        Assert.IsType<StepOverdue>(Assert.Single(h.Run(new StepDeadlinePassed(entered.StepId, entered.Attempt), entered.DueAt.AddMinutes(1))));
    }
}
