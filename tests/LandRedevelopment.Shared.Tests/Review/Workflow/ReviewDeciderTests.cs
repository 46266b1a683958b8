using System.Text.Json;
using LandRedevelopment.Calendars;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

public class ReviewDeciderTests
{
    private const string District = "克拉玛依区";
    private static readonly string[] DistrictBureau = ["district-bureau:克拉玛依区"];
    private static readonly string[] DistrictGovernment = ["district-government:克拉玛依区"];
    private static readonly string[] CityBureau = ["city-bureau"];

    private static Decide Approve(ReviewState s, string officer, string[] roles) => new(s.StepId!, s.Attempt, officer, roles, DecisionAction.Approve, null);

    private static ReviewHarness KaramayAtStep2(DateTimeOffset start)
    {
        var h = new ReviewHarness("karamay", District);
        h.Run(new StartReview("standard"), start);
        h.Run(Approve(h.State, "wang", DistrictBureau), start.AddDays(1));
        Assert.Equal("district-government-confirmation", h.State.StepId);
        return h;
    }

    private static ReviewHarness KaramayIssued(DateTimeOffset start)
    {
        var h = KaramayAtStep2(start);
        h.Run(Approve(h.State, "li", DistrictGovernment), start.AddDays(2));
        h.Run(Approve(h.State, "zhao", CityBureau), start.AddDays(3));
        h.Run(Approve(h.State, "wang", DistrictBureau), start.AddDays(4));
        Assert.Equal(ReviewPhase.DeterminationIssued, h.State.Phase);
        return h;
    }

    [Fact]
    public void Karamay_art6_chain_runs_four_steps_then_issues_and_serves_with_a_six_month_plan_deadline()
    {
        var start = Local(2026, 11, 2);
        var h = new ReviewHarness("karamay", District);
        var first = h.Run(new StartReview("standard"), start);
        var entered = Assert.IsType<StepEntered>(first[1]);
        Assert.Equal(("district-investigation", 1, "district-bureau:克拉玛依区"), (entered.StepId, entered.Attempt, entered.Role));
        Assert.Equal("karamay-v1", h.State.PolicyVersion);

        h.Run(Approve(h.State, "wang", DistrictBureau), start.AddDays(1));
        Assert.Equal(("district-government-confirmation", "district-government:克拉玛依区"), (h.State.StepId, h.State.StepRole));
        h.Run(Approve(h.State, "li", DistrictGovernment), start.AddDays(2));
        Assert.Equal(("city-bureau-review", "city-bureau"), (h.State.StepId, h.State.StepRole));
        h.Run(Approve(h.State, "zhao", CityBureau), start.AddDays(3));
        Assert.Equal("district-determination", h.State.StepId);
        var last = h.Run(Approve(h.State, "wang", DistrictBureau), start.AddDays(4));
        var issued = Assert.IsType<DeterminationIssued>(last[1]);
        Assert.Equal("克拉玛依 art. 6(2)", issued.Source);
        Assert.Contains("district-bureau:克拉玛依区", issued.NotifyRoles);
        Assert.Equal(4, h.State.Decisions.Count);
        Assert.All(h.State.Decisions, d => Assert.Equal(DecisionAction.Approve, d.Action));

        // Served Tue 10 November 2026: six months is Mon 10 May 2027, ending at 24:00 there.
        var served = Assert.IsType<DeterminationServedEvent>(Assert.Single(h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 15))));
        Assert.Equal(new DateOnly(2027, 5, 10), served.PlanDeadlineLastDay);
        Assert.Equal(new DateTimeOffset(2027, 5, 11, 0, 0, 0, TimeSpan.FromHours(8)), served.PlanDeadlineAt);
        Assert.Contains("art. 8", served.PlanDeadlineSource);
        Assert.Equal(ReviewPhase.DeterminationServed, h.State.Phase);

        // Replaying the service record changes nothing; another date is refused.
        Assert.Empty(h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 11)));
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new DeterminationServed(new DateOnly(2026, 11, 9)), Local(2026, 11, 11)).Rejection?.Kind);
    }

    [Theory]
    [InlineData("2027-08-31", "2028-02-29")] // month end: the corresponding day is missing, so the month's last day (leap year)
    [InlineData("2026-08-31", "2027-03-01")] // 2027-02-28 is a Sunday: moved to Monday
    [InlineData("2026-04-04", "2026-10-08")] // 2026-10-04 falls in the (made-up) holiday week: moved to its first working day
    public void Plan_deadline_is_six_months_after_service_with_the_rest_day_extension(string servedOn, string lastDay)
    {
        var served = DateOnly.Parse(servedOn, System.Globalization.CultureInfo.InvariantCulture);
        var start = new DateTimeOffset(served.AddDays(-10).ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));
        var h = KaramayIssued(start);
        var e = Assert.IsType<DeterminationServedEvent>(Assert.Single(h.Run(new DeterminationServed(served), start.AddDays(10))));
        Assert.Equal(DateOnly.Parse(lastDay, System.Globalization.CultureInfo.InvariantCulture), e.PlanDeadlineLastDay);
    }

    [Fact]
    public void Return_at_step_2_then_resubmission_resumes_step_2_at_attempt_2_and_the_old_link_is_stale()
    {
        var start = Local(2026, 11, 2);
        var h = KaramayAtStep2(start);
        var returned = Assert.IsType<ReturnedForRework>(Assert.Single(h.Run(
            new Decide("district-government-confirmation", 1, "li", DistrictGovernment, DecisionAction.Return, "补充权属证明"), start.AddDays(2))));
        Assert.Equal("补充权属证明", returned.Comment);
        Assert.Equal(ReviewPhase.ReturnedForRework, h.State.Phase);

        // While returned, the step is decided: a second use of any link for attempt 1 is AlreadyDecided.
        Assert.Equal(RejectionKind.AlreadyDecided, h.Try(Approve(h.State, "li", DistrictGovernment), start.AddDays(3)).Rejection?.Kind);

        var resumed = h.Run(new Resubmitted(), start.AddDays(5));
        var entered = Assert.IsType<StepEntered>(resumed[1]);
        Assert.Equal(("district-government-confirmation", 2), (entered.StepId, entered.Attempt));
        Assert.Equal(ReviewPhase.InStep, h.State.Phase);

        var stale = h.Try(new Decide("district-government-confirmation", 3, "li", DistrictGovernment, DecisionAction.Approve, null), start.AddDays(6));
        Assert.Equal(RejectionKind.StaleStep, stale.Rejection?.Kind);
        var old = h.Try(new Decide("district-government-confirmation", 1, "li", DistrictGovernment, DecisionAction.Approve, null), start.AddDays(6));
        Assert.Equal(RejectionKind.AlreadyDecided, old.Rejection?.Kind);
        Assert.Equal(DecisionAction.Return, old.Rejection?.Existing?.Action);

        h.Run(new Decide("district-government-confirmation", 2, "li", DistrictGovernment, DecisionAction.Approve, "已补充"), start.AddDays(6));
        Assert.Equal(("city-bureau-review", 1), (h.State.StepId, h.State.Attempt));
    }

    [Fact]
    public void A_decision_for_a_step_the_case_never_reached_is_stale()
    {
        var h = KaramayAtStep2(Local(2026, 11, 2));
        var result = h.Try(new Decide("city-bureau-review", 1, "zhao", CityBureau, DecisionAction.Approve, null), Local(2026, 11, 4));
        Assert.Equal(RejectionKind.StaleStep, result.Rejection?.Kind);
    }

    [Fact]
    public void A_return_needs_a_comment()
    {
        var h = KaramayAtStep2(Local(2026, 11, 2));
        var result = h.Try(new Decide(h.State.StepId!, 1, "li", DistrictGovernment, DecisionAction.Return, " "), Local(2026, 11, 4));
        Assert.Equal(RejectionKind.InvalidCommand, result.Rejection?.Kind);
    }

    [Fact]
    public void Reject_closes_the_case()
    {
        var h = KaramayAtStep2(Local(2026, 11, 2));
        var rejected = Assert.IsType<Rejected>(Assert.Single(h.Run(
            new Decide(h.State.StepId!, h.State.Attempt, "li", DistrictGovernment, DecisionAction.Reject, "不属于低效用地"), Local(2026, 11, 4))));
        Assert.Equal(ReviewTrack.Determination, rejected.Track);
        Assert.Equal(ReviewPhase.Rejected, h.State.Phase);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new Resubmitted(), Local(2026, 11, 5)).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5)).Rejection?.Kind);
        Assert.Empty(h.Run(new StepDeadlinePassed(rejected.StepId, rejected.Attempt), Local(2026, 12, 30)));
    }

    [Fact]
    public void An_officer_without_the_steps_resolved_role_is_refused()
    {
        var h = KaramayAtStep2(Local(2026, 11, 2));
        // The role of another district, and the city bureau, are not the step's role.
        var result = h.Try(Approve(h.State, "sun", ["district-government:白碱滩区", "city-bureau"]), Local(2026, 11, 4));
        Assert.Equal(RejectionKind.WrongRole, result.Rejection?.Kind);
        Assert.Equal("district-government-confirmation", h.State.StepId);
    }

    [Fact]
    public void Two_decisions_on_one_step_apply_once()
    {
        var h = KaramayAtStep2(Local(2026, 11, 2));
        var decision = Approve(h.State, "li", DistrictGovernment);
        var racing = new Decide(decision.StepId, decision.Attempt, "qian", DistrictGovernment, DecisionAction.Reject, "no");
        h.Run(decision, Local(2026, 11, 4));
        var second = h.Try(racing, Local(2026, 11, 4));
        Assert.Equal(RejectionKind.AlreadyDecided, second.Rejection?.Kind);
        Assert.Equal("li", second.Rejection?.Existing?.OfficerId);
        Assert.Equal(RejectionKind.AlreadyDecided, h.Try(decision, Local(2026, 11, 4)).Rejection?.Kind);
        Assert.Equal(2, h.State.Decisions.Count);
    }

    [Fact]
    public void A_late_timer_for_a_decided_step_or_an_older_attempt_yields_no_events()
    {
        var start = Local(2026, 11, 2);
        var h = new ReviewHarness("karamay", District);
        var entered = (StepEntered)h.Run(new StartReview("standard"), start)[1];
        h.Run(Approve(h.State, "wang", DistrictBureau), start.AddDays(1));
        Assert.Empty(h.Run(new StepDeadlinePassed(entered.StepId, entered.Attempt), entered.DueAt.AddDays(1)));
        Assert.Empty(h.Run(new ReminderDue(entered.StepId, entered.Attempt), entered.RemindAt));

        h.Run(new Decide(h.State.StepId!, 1, "li", DistrictGovernment, DecisionAction.Return, "补充"), start.AddDays(2));
        h.Run(new Resubmitted(), start.AddDays(3));
        Assert.Empty(h.Run(new StepDeadlinePassed("district-government-confirmation", 1), start.AddDays(60)));
        Assert.Equal(ReviewPhase.InStep, h.State.Phase);
        Assert.False(h.State.Overdue);
    }

    [Fact]
    public void Reminder_then_overdue_escalates_to_the_policys_role_once()
    {
        var start = Local(2026, 11, 2);
        var h = new ReviewHarness("karamay", District);
        var entered = (StepEntered)h.Run(new StartReview("standard"), start)[1];

        Assert.Equal(RejectionKind.NotDue, h.Try(new ReminderDue(entered.StepId, 1), entered.RemindAt.AddMinutes(-1)).Rejection?.Kind);
        var reminder = Assert.IsType<ReminderRaised>(Assert.Single(h.Run(new ReminderDue(entered.StepId, 1), entered.RemindAt)));
        Assert.Equal(("district-bureau:克拉玛依区", entered.DueAt), (reminder.Role, reminder.DueAt));
        Assert.Empty(h.Run(new ReminderDue(entered.StepId, 1), entered.RemindAt.AddHours(1)));

        Assert.Equal(RejectionKind.NotDue, h.Try(new StepDeadlinePassed(entered.StepId, 1), entered.DueAt.AddSeconds(-1)).Rejection?.Kind);
        var overdue = Assert.IsType<StepOverdue>(Assert.Single(h.Run(new StepDeadlinePassed(entered.StepId, 1), entered.DueAt)));
        Assert.Equal(h.Policy.Review.Escalation.NotifyRole, overdue.EscalateTo);
        Assert.Equal("city-bureau", overdue.EscalateTo);
        Assert.Equal("district-bureau:克拉玛依区", overdue.StepRole);
        Assert.True(h.State.Overdue);
        Assert.Empty(h.Run(new StepDeadlinePassed(entered.StepId, 1), entered.DueAt.AddDays(1)));

        // Overdue is not decided: the officer can still decide the step.
        h.Run(Approve(h.State, "wang", DistrictBureau), entered.DueAt.AddDays(1));
        Assert.Equal("district-government-confirmation", h.State.StepId);
    }

    [Fact]
    public void An_overdue_step_is_reminded_again_every_week_until_decided()
    {
        var start = Local(2026, 11, 2);
        var h = new ReviewHarness("karamay", District);
        var entered = (StepEntered)h.Run(new StartReview("standard"), start)[1];
        h.Run(new StepDeadlinePassed(entered.StepId, 1), entered.DueAt);

        Assert.Equal(RejectionKind.NotDue, h.Try(new OverdueReminderDue(entered.StepId, 1, 1), entered.DueAt.AddDays(7).AddSeconds(-1)).Rejection?.Kind);
        var first = Assert.IsType<OverdueReminderRaised>(Assert.Single(h.Run(new OverdueReminderDue(entered.StepId, 1, 1), entered.DueAt.AddDays(7))));
        Assert.Equal((1, "district-bureau:克拉玛依区", entered.DueAt), (first.Number, first.Role, first.DueAt));
        Assert.Empty(h.Run(new OverdueReminderDue(entered.StepId, 1, 1), entered.DueAt.AddDays(8)));
        Assert.Equal(entered.DueAt.AddDays(14), h.State.NextOverdueReminderAt);
        Assert.Equal(2, Assert.IsType<OverdueReminderRaised>(Assert.Single(h.Run(new OverdueReminderDue(entered.StepId, 1, 2), entered.DueAt.AddDays(15)))).Number);

        h.Run(Approve(h.State, "wang", DistrictBureau), entered.DueAt.AddDays(16));
        Assert.Empty(h.Run(new OverdueReminderDue(entered.StepId, 1, 3), entered.DueAt.AddDays(21)));
        Assert.Null(h.State.NextOverdueReminderAt);
        Assert.Equal(0, h.State.OverdueReminders);
    }

    [Fact]
    public void Working_day_limits_skip_a_holiday_week_and_end_at_midnight_local()
    {
        // Entered Mon 28 Sep 2026: 5 working days are Tue 29, Wed 30, Thu 8 Oct, Fri 9, Sat 10 (make-up day).
        var (lastDay, dueAt, remindAt) = ReviewDecider.StepTimes(
            Period.OfWorkingDays(5), Period.OfWorkingDays(2), ReviewHarness.MadeUpCalendar, China, Local(2026, 9, 28));
        Assert.Equal(new DateOnly(2026, 10, 10), lastDay);
        Assert.Equal(new DateTimeOffset(2026, 10, 11, 0, 0, 0, TimeSpan.FromHours(8)), dueAt);
        // Two working days before: from the end of Thu 8 October, Fri 9 and Sat 10 remain.
        Assert.Equal(new DateTimeOffset(2026, 10, 9, 0, 0, 0, TimeSpan.FromHours(8)), remindAt);

        // The day is the tenant's: 20:00Z on Sunday 27 Sep is already Monday 28 Sep in China.
        var utc = ReviewDecider.StepTimes(Period.OfWorkingDays(5), Period.OfWorkingDays(2), ReviewHarness.MadeUpCalendar, China,
            new DateTimeOffset(2026, 9, 27, 20, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 10, 10), utc.LastDay);
    }

    [Fact]
    public void A_reminder_longer_than_the_limit_is_clamped_to_now()
    {
        var now = Local(2026, 11, 2);
        var (_, _, remindAt) = ReviewDecider.StepTimes(Period.OfWorkingDays(1), Period.OfWorkingDays(2), ReviewHarness.MadeUpCalendar, China, now);
        Assert.Equal(now, remindAt);
    }

    [Fact]
    public void Karamay_last_step_entered_before_the_holiday_is_due_after_it()
    {
        // Steps 1–3 approved by Mon 28 Sep; the 5-working-day determination step runs over the holiday week.
        var h = new ReviewHarness("karamay", District);
        h.Run(new StartReview("standard"), Local(2026, 9, 21));
        h.Run(Approve(h.State, "wang", DistrictBureau), Local(2026, 9, 22));
        h.Run(Approve(h.State, "li", DistrictGovernment), Local(2026, 9, 24));
        var entered = h.Run(Approve(h.State, "zhao", CityBureau), Local(2026, 9, 28)).OfType<StepEntered>().Single();
        Assert.Equal("district-determination", entered.StepId);
        Assert.Equal(new DateOnly(2026, 10, 10), entered.LastDay);
    }

    [Fact]
    public void No_plan_by_the_deadline_starts_reclamation_citing_the_article()
    {
        var h = KaramayIssued(Local(2026, 11, 2));
        var served = (DeterminationServedEvent)h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 16)).Single();
        var deadline = served.PlanDeadlineAt!.Value;

        Assert.Equal(RejectionKind.NotDue, h.Try(new PlanDeadlinePassed(), deadline.AddSeconds(-1)).Rejection?.Kind);
        var reclamation = Assert.IsType<ReclamationStarted>(Assert.Single(h.Run(new PlanDeadlinePassed(), deadline)));
        Assert.Equal(ReclamationReasons.NoPlanByDeadline, reclamation.Reason);
        Assert.Contains("art. 9(1)2(4)", reclamation.Article);
        Assert.Contains("district-bureau:克拉玛依区", reclamation.NotifyRoles);
        Assert.Equal(ReviewPhase.Reclamation, h.State.Phase);

        Assert.Empty(h.Run(new PlanDeadlinePassed(), deadline.AddDays(1)));
        var late = h.Try(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), deadline.AddDays(1));
        Assert.Equal(RejectionKind.NotAllowed, late.Rejection?.Kind);
    }

    [Fact]
    public void A_plan_in_time_stops_reclamation_and_its_approval_opens_the_transition_period()
    {
        var h = KaramayIssued(Local(2026, 11, 2));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 16));
        var plan = new PlanFacts("industrial", "industrial", []);
        var submitted = h.Run(new PlanSubmitted(plan, ReviewChainSelector.Select(h.Policy.Review.PlanChains, plan.ToRuleInput(District, new DateOnly(2027, 1, 4))).Id), Local(2027, 1, 4));
        var entered = Assert.IsType<StepEntered>(submitted[1]);
        Assert.Equal((ReviewTrack.Plan, "district-plan-review", "district-bureau:克拉玛依区"), (entered.Track, entered.StepId, entered.Role));
        Assert.Equal(ReviewPhase.PlanInReview, h.State.Phase);

        Assert.Empty(h.Run(new PlanDeadlinePassed(), h.State.PlanDeadlineAt!.Value));

        var approved = h.Run(Approve(h.State, "wang", DistrictBureau), Local(2027, 1, 5)).OfType<PlanApproved>().Single();
        // Filing is the approval here (reading): five years from Tue 5 Jan 2027 is Mon 5 Jan 2032.
        Assert.Equal(new DateOnly(2032, 1, 5), approved.TransitionEndsOn);
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);

        Assert.Equal(RejectionKind.NotDue, h.Try(new TransitionEnded(), Local(2031, 1, 1)).Rejection?.Kind);
        Assert.IsType<TransitionPeriodEnded>(Assert.Single(h.Run(new TransitionEnded(), approved.TransitionEndsAt!.Value)));
        Assert.Empty(h.Run(new TransitionEnded(), approved.TransitionEndsAt!.Value.AddDays(1)));
    }

    [Fact]
    public void Zhongwei_park_land_goes_to_the_park_committee_and_other_land_to_the_standard_chain()
    {
        var policy = new ReviewHarness("zhongwei", "沙坡头区").Policy;
        var park = new ScreeningInput { LandUse = "industrial", District = "沙坡头区", Zone = "zhongwei-industrial-park", SurveyedOn = new DateOnly(2026, 11, 1) };
        var town = park with { Zone = null };

        var inPark = new ReviewHarness("zhongwei", "沙坡头区");
        var parkStart = inPark.Run(new StartReview(ReviewChainSelector.Select(policy.Review.DeterminationChains, park).Id), Local(2026, 11, 2));
        Assert.Equal("park-committee:zhongwei-industrial-park", ((StepEntered)parkStart[1]).Role);
        var issued = inPark.Run(Approve(inPark.State, "ma", ["park-committee:zhongwei-industrial-park"]), Local(2026, 11, 3));
        Assert.IsType<DeterminationIssued>(issued[1]);

        var outside = new ReviewHarness("zhongwei", "沙坡头区");
        var start = outside.Run(new StartReview(ReviewChainSelector.Select(policy.Review.DeterminationChains, town).Id), Local(2026, 11, 2));
        Assert.Equal(("standard", "district-government:沙坡头区"), (((ReviewStarted)start[0]).ChainId, ((StepEntered)start[1]).Role));
        outside.Run(Approve(outside.State, "ma", ["district-government:沙坡头区"]), Local(2026, 11, 3));
        Assert.Equal(("city-bureau-determination", "city-bureau"), (outside.State.StepId, outside.State.StepRole));
    }

    [Fact]
    public void Zhongwei_soil_gate_blocks_a_change_to_housing_until_the_survey_passes_and_both_bureaus_approve()
    {
        var h = new ReviewHarness("zhongwei", "沙坡头区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "ma", ["district-government:沙坡头区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 11, 4));
        var served = (DeterminationServedEvent)h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5)).Single();
        Assert.Null(served.PlanDeadlineAt); // 中卫 sets no plan deadline

        var plan = new PlanFacts("industrial", "residential", [], Attributes: ZhongweiPlan());
        h.Run(new PlanSubmitted(plan, "standard"), Local(2026, 12, 1));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));
        Assert.Equal("city-government-approval", h.State.StepId);
        string[] government = ["city-government"];

        var blocked = h.Try(Approve(h.State, "yang", government), Local(2026, 12, 3));
        Assert.Equal(RejectionKind.GateNotSatisfied, blocked.Rejection?.Kind);
        Assert.Equal(("soil-pollution-survey", "中卫 section 3"), (blocked.Rejection?.GateId, blocked.Rejection?.Article));

        h.Run(new RecordPlanDocument(new PlanDocument("soil-pollution-survey", ["city-bureau"])), Local(2026, 12, 4));
        Assert.Contains("city-ecology-environment-bureau", h.Try(Approve(h.State, "yang", government), Local(2026, 12, 4)).Rejection?.Reason);

        h.Run(new RecordPlanDocument(new PlanDocument("soil-pollution-survey", ["city-bureau", "city-ecology-environment-bureau"], Failed: true)), Local(2026, 12, 5));
        Assert.Equal(RejectionKind.GateNotSatisfied, h.Try(Approve(h.State, "yang", government), Local(2026, 12, 5)).Rejection?.Kind);

        h.Run(new RecordPlanDocument(new PlanDocument("soil-pollution-survey", ["city-ecology-environment-bureau", "city-bureau"])), Local(2026, 12, 6));
        var approved = h.Run(Approve(h.State, "yang", government), Local(2026, 12, 7)).OfType<PlanApproved>().Single();
        Assert.Null(approved.TransitionEndsOn); // 中卫 sets no transition period
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void Zhongwei_soil_gate_does_not_apply_when_the_use_stays_industrial()
    {
        var h = new ReviewHarness("zhongwei", "沙坡头区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "ma", ["district-government:沙坡头区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan()), "standard"), Local(2026, 12, 1));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));
        h.Run(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 3));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void Zhongwei_redevelopment_by_another_needs_the_original_land_users_consent_and_expropriation_its_assessments()
    {
        var h = new ReviewHarness("zhongwei", "沙坡头区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "ma", ["district-government:沙坡头区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        var byAnother = ZhongweiPlan(byOriginalUser: false, expropriation: true);
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: byAnother), "standard"), Local(2026, 12, 1));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));
        string[] government = ["city-government"];

        // 中卫 section 5(2): each document in turn holds the approval, naming its gate and article.
        foreach (var gate in new[] { "original-land-user-consent", "social-stability-assessment", "resettlement-compensation-plan" })
        {
            var blocked = h.Try(Approve(h.State, "yang", government), Local(2026, 12, 3));
            Assert.Equal(RejectionKind.GateNotSatisfied, blocked.Rejection?.Kind);
            Assert.Equal(gate, blocked.Rejection?.GateId);
            Assert.Contains("5(2)", blocked.Rejection?.Article, StringComparison.Ordinal);
            h.Run(new RecordPlanDocument(new PlanDocument(gate, [])), Local(2026, 12, 3));
        }

        h.Run(Approve(h.State, "yang", government), Local(2026, 12, 4));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void Zhongwei_redevelopment_by_the_original_land_user_without_expropriation_needs_neither()
    {
        var h = new ReviewHarness("zhongwei", "沙坡头区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "ma", ["district-government:沙坡头区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan()), "standard"), Local(2026, 12, 1));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));
        h.Run(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 3));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    /// <summary>A Zhongwei case determined on the standard chain and served, waiting for a plan.</summary>
    /// <summary>A 中卫 case whose determination was served; <paramref name="setup"/> may give the harness a parcel or a policy variant first.</summary>
    private static ReviewHarness ZhongweiServed(Action<ReviewHarness>? setup = null)
    {
        var h = new ReviewHarness("zhongwei", "沙坡头区");
        setup?.Invoke(h);
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "ma", ["district-government:沙坡头区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        return h;
    }

    [Fact]
    public void Zhongwei_scattered_plots_over_a_tenth_of_the_project_refuse_the_plan_and_change_nothing()
    {
        var h = ZhongweiServed();
        var before = h.State;

        // 中卫 section 4(5): 累计面积不超过改造开发项目总面积的10% has no 原则上, so a plan past it is not taken.
        var over = new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan(scatteredM2: 2001, largestPlotM2: 1500));
        var refused = h.Try(new PlanSubmitted(over, "standard"), Local(2026, 12, 1));

        Assert.Equal(RejectionKind.PlanConditionBroken, refused.Rejection?.Kind);
        Assert.Equal("scattered-plots-share", refused.Rejection?.ConditionId);
        Assert.StartsWith("中卫 section 4(5)", refused.Rejection?.Article, StringComparison.Ordinal);
        Assert.Equal(["attributes.scatteredPlotsAreaM2", "attributes.projectAreaM2"], refused.Rejection?.Facts);
        Assert.Contains("scatteredPlotsAreaM2 2001 not ≤ 0.1 × projectAreaM2 20000", refused.Rejection?.Reason, StringComparison.Ordinal);
        Assert.Same(before, h.State);

        // A plan that does not state the facts does not show the condition holds either.
        var silent = h.Try(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2026, 12, 1));
        Assert.Equal((RejectionKind.PlanConditionBroken, "scattered-plots-share"), (silent.Rejection?.Kind, silent.Rejection?.ConditionId));
        Assert.Same(before, h.State);

        // Exactly a tenth, with a plot of exactly 3 mu, breaks neither condition: nothing is recorded.
        var submitted = h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan(scatteredM2: 2000, largestPlotM2: 2000)), "standard"), Local(2026, 12, 1));
        Assert.Null(((PlanSubmittedEvent)submitted[0]).Plan.Departures);
        Assert.Equal(ReviewPhase.PlanInReview, h.State.Phase);
    }

    [Fact]
    public void A_plan_gate_reads_the_parcels_own_fields_as_a_condition_does()
    {
        // A city asks an assessment of every plan on a parcel over one hectare: the gate reads the surveyed parcel's area.
        var h = ZhongweiServed(h =>
        {
            h.Parcel = new ScreeningInput { LandUse = "industrial", District = "沙坡头区", SurveyedOn = new DateOnly(2026, 6, 1), ParcelAreaM2 = 12_000, Zone = "shapotou-old-town" };
            h.Policy = h.Policy with
            {
                Review = h.Policy.Review with
                {
                    PlanGates =
                    [
                        .. h.Policy.Review.PlanGates,
                        new LandRedevelopment.Policies.PlanGate
                        {
                            Id = "large-parcel", Description = "一公顷以上地块须有评估", Source = "测试", RequiredDocument = "large-parcel-assessment",
                            When = new LandRedevelopment.Policies.Rule { Compare = new LandRedevelopment.Policies.CompareRule { Attribute = "parcelAreaM2", Over = 10_000 } },
                        },
                    ],
                },
            };
        });
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan()), "standard"), Local(2026, 12, 1));
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));

        var blocked = h.Try(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 3));

        Assert.Equal((RejectionKind.GateNotSatisfied, "large-parcel"), (blocked.Rejection?.Kind, blocked.Rejection?.GateId));
        h.Run(new RecordPlanDocument(new PlanDocument("large-parcel-assessment", [])), Local(2026, 12, 3));
        h.Run(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 4));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void Zhongwei_a_largest_scattered_plot_stated_larger_than_their_total_is_refused_as_a_misstatement()
    {
        var h = ZhongweiServed();
        var before = h.State;

        var misstated = new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan(scatteredM2: 500, largestPlotM2: 1500));
        var refused = h.Try(new PlanSubmitted(misstated, "standard"), Local(2026, 12, 1));

        Assert.Equal((RejectionKind.PlanConditionBroken, "largest-scattered-plot-within-their-total"), (refused.Rejection?.Kind, refused.Rejection?.ConditionId));
        Assert.Equal(["attributes.largestScatteredPlotAreaM2", "attributes.scatteredPlotsAreaM2"], refused.Rejection?.Facts);
        Assert.Same(before, h.State);
    }

    [Fact]
    public void Zhongwei_a_scattered_plot_over_3_mu_is_taken_in_principle_with_its_departure_recorded_and_needs_the_social_stability_assessment()
    {
        var h = ZhongweiServed();

        // 单宗零星用地面积原则上不超过3亩: a 2,500 m² plot (under a tenth of 30,000 m²) is taken; the departure stays with the plan.
        var plan = new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan(scatteredM2: 2500, largestPlotM2: 2500, projectM2: 30_000),
            Departures: [new PlanDeparture("made-up", "不读", "不读", "不读")]);
        var submitted = (PlanSubmittedEvent)h.Run(new PlanSubmitted(plan, "standard"), Local(2026, 12, 1))[0];

        var departure = Assert.Single(submitted.Plan.Departures!);
        Assert.Equal("scattered-plot-size", departure.ConditionId);
        Assert.StartsWith("中卫 section 4(5)", departure.Source, StringComparison.Ordinal);
        Assert.Contains("原则上不超过3亩", departure.Description, StringComparison.Ordinal);
        Assert.Equal("largestScatteredPlotAreaM2 2500 not ≤ 2000", departure.Explanation);
        Assert.Equal([departure], h.State.Plan!.Departures!);

        // 土地再开发利用时，应委托社会评估机构进行社会稳定性评估 (4(5)), though nothing is expropriated.
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));
        var blocked = h.Try(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 3));
        Assert.Equal((RejectionKind.GateNotSatisfied, "social-stability-assessment"), (blocked.Rejection?.Kind, blocked.Rejection?.GateId));
        Assert.Contains("4(5)", blocked.Rejection?.Article, StringComparison.Ordinal);

        h.Run(new RecordPlanDocument(new PlanDocument("social-stability-assessment", [])), Local(2026, 12, 3));
        h.Run(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 4));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void Zhongwei_a_plan_without_scattered_plots_records_no_departure_and_needs_no_assessment()
    {
        var h = ZhongweiServed();

        var submitted = (PlanSubmittedEvent)h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan()), "standard"), Local(2026, 12, 1))[0];

        Assert.Null(submitted.Plan.Departures);
        Assert.Null(h.State.Plan!.Departures);
        h.Run(Approve(h.State, "niu", CityBureau), Local(2026, 12, 2));
        h.Run(Approve(h.State, "yang", ["city-government"]), Local(2026, 12, 3));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void Jiamusi_green_channel_plan_takes_the_one_step_chain_and_opens_five_years_of_transition()
    {
        var h = new ReviewHarness("jiamusi", "前进区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "a", ["district-bureau:前进区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "b", CityBureau), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));

        var green = new PlanFacts("industrial", "industrial", [], GreenChannel: true);
        var chain = ReviewChainSelector.Select(h.Policy.Review.PlanChains, green.ToRuleInput("前进区", new DateOnly(2026, 11, 9)));
        Assert.Equal("green-channel", chain.Id);
        Assert.Equal("standard", ReviewChainSelector.Select(h.Policy.Review.PlanChains, (green with { GreenChannel = false }).ToRuleInput("前进区", new DateOnly(2026, 11, 9))).Id);

        var entered = h.Run(new PlanSubmitted(green, chain.Id), Local(2026, 11, 9)).OfType<StepEntered>().Single();
        Assert.Equal(("city-bureau-green-channel", new DateOnly(2026, 11, 16)), (entered.StepId, entered.LastDay)); // 5 working days
        var approved = h.Run(Approve(h.State, "b", CityBureau), Local(2026, 11, 10)).OfType<PlanApproved>().Single();
        Assert.Equal(new DateOnly(2031, 11, 10), approved.TransitionEndsOn);
        Assert.Contains("佳木斯 item 16", approved.TransitionSource);
    }

    [Fact]
    public void Urumqi_plan_steps_are_numbered_apart_from_the_determination_step_with_the_same_id()
    {
        // Both chains have a city-bureau-review step: a determination link (attempt 1) must not decide the plan step.
        var h = new ReviewHarness("urumqi", "天山区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Approve(h.State, "a", ["district-government:天山区"]), Local(2026, 11, 3));
        h.Run(Approve(h.State, "b", CityBureau), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "commercial", []), "standard"), Local(2026, 11, 9));
        Assert.Equal(("city-bureau-review", 2), (h.State.StepId, h.State.Attempt));
        Assert.Equal(RejectionKind.AlreadyDecided, h.Try(new Decide("city-bureau-review", 1, "b", CityBureau, DecisionAction.Approve, null), Local(2026, 11, 10)).Rejection?.Kind);
    }

    private static LandRedevelopment.Screening.ScreeningInput KaramayParcel(bool? allocated) => new()
    {
        LandUse = "industrial",
        District = "克拉玛依区",
        SurveyedOn = new DateOnly(2026, 6, 1),
        Attributes = allocated is { } a
            ? new Dictionary<string, LandRedevelopment.Screening.AttributeValue> { ["allocatedLand"] = a }
            : new Dictionary<string, LandRedevelopment.Screening.AttributeValue>(),
    };

    [Fact]
    public void Allocated_land_with_no_plan_by_the_deadline_is_reclaimed_on_the_ground_that_holds()
    {
        // 克拉玛依 art. 9(1)2(4): 划拨 land whose user has no redevelopment within six months of service.
        var h = KaramayIssued(Local(2026, 11, 2));
        h.Parcel = KaramayParcel(allocated: true);
        var served = (DeterminationServedEvent)h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 16)).Single();

        var reclamation = Assert.IsType<ReclamationStarted>(Assert.Single(h.Run(new PlanDeadlinePassed(), served.PlanDeadlineAt!.Value)));

        Assert.StartsWith("克拉玛依 art. 9(1)2(4)", reclamation.Article, StringComparison.Ordinal);
        Assert.Equal(ReviewPhase.Reclamation, h.State.Phase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public void Land_not_known_to_be_allocated_is_not_reclaimed_when_the_plan_deadline_passes(bool? allocated)
    {
        // 克拉玛依 art. 9(1) reclaims allocated land; land granted by 出让 is reclaimed early only for the public interest (art. 9(2)).
        var h = KaramayIssued(Local(2026, 11, 2));
        h.Parcel = KaramayParcel(allocated);
        var served = (DeterminationServedEvent)h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 16)).Single();
        var deadline = served.PlanDeadlineAt!.Value;

        var lapsed = Assert.IsType<PlanDeadlineLapsed>(Assert.Single(h.Run(new PlanDeadlinePassed(), deadline)));

        Assert.Contains("art. 8", lapsed.Article, StringComparison.Ordinal);
        Assert.Contains("克拉玛依 art. 9(1)2(4)", lapsed.Grounds, StringComparison.Ordinal);
        Assert.Contains("district-bureau:克拉玛依区", lapsed.NotifyRoles);
        Assert.Equal(ReviewPhase.DeterminationServed, h.State.Phase);
        Assert.Empty(h.Run(new PlanDeadlinePassed(), deadline.AddDays(1)));
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), deadline.AddDays(1)).Rejection?.Kind);
    }

    [Fact]
    public void A_plan_rejected_after_the_deadline_on_granted_land_lapses_instead_of_reclaiming()
    {
        var h = KaramayIssued(Local(2026, 11, 2));
        h.Parcel = KaramayParcel(allocated: false);
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 16));
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2027, 5, 6));

        var events = h.Run(new Decide("district-plan-review", 1, "wang", DistrictBureau, DecisionAction.Reject, "仍不可行"), Local(2027, 5, 20));

        Assert.IsType<PlanDeadlineLapsed>(events[1]);
        Assert.Equal(ReviewPhase.DeterminationServed, h.State.Phase);
    }

    [Fact]
    public void A_rejected_plan_lets_another_plan_come_in_time_and_after_the_deadline_goes_to_reclamation()
    {
        var h = KaramayIssued(Local(2026, 11, 2));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 10)), Local(2026, 11, 10, 16));
        var plan = new PlanFacts("industrial", "industrial", []);
        h.Run(new PlanSubmitted(plan, "standard"), Local(2027, 1, 4));
        h.Run(new Decide("district-plan-review", 1, "wang", DistrictBureau, DecisionAction.Reject, "方案不可行"), Local(2027, 1, 5));
        Assert.Equal(ReviewPhase.DeterminationServed, h.State.Phase);

        h.Run(new PlanSubmitted(plan, "standard"), Local(2027, 5, 10));
        Assert.Equal(2, h.State.Attempt);
        var events = h.Run(new Decide("district-plan-review", 2, "wang", DistrictBureau, DecisionAction.Reject, "仍不可行"), Local(2027, 5, 20));
        Assert.IsType<ReclamationStarted>(events[1]);
        Assert.Equal(ReviewPhase.Reclamation, h.State.Phase);
    }

    [Fact]
    public void The_same_inputs_give_the_same_events_and_the_events_rebuild_the_state()
    {
        static (ReviewHarness, string) Script()
        {
            var start = Local(2026, 9, 21);
            var h = KaramayAtStep2(start);
            h.Run(new Decide(h.State.StepId!, 1, "li", DistrictGovernment, DecisionAction.Return, "补充"), start.AddDays(1));
            h.Run(new Resubmitted(), start.AddDays(2));
            h.Run(new ReminderDue(h.State.StepId!, 2), h.State.StepRemindAt!.Value);
            h.Run(new StepDeadlinePassed(h.State.StepId!, 2), h.State.StepDueAt!.Value);
            h.Run(Approve(h.State, "li", DistrictGovernment), start.AddDays(30));
            return (h, ReviewHarness.Json(h.Log));
        }

        var (first, json) = Script();
        var (_, again) = Script();
        Assert.Equal(json, again);

        // The events survive storage as JSON and fold to the same state.
        var stored = JsonSerializer.Deserialize<List<ReviewEvent>>(json)!;
        Assert.Equal(json, ReviewHarness.Json(stored));
        var rebuilt = ReviewState.Evolve(ReviewState.Initial, stored);
        Assert.Equal((first.State.Phase, first.State.StepId, first.State.Attempt, first.State.StepDueAt, first.State.Decisions.Count),
            (rebuilt.Phase, rebuilt.StepId, rebuilt.Attempt, rebuilt.StepDueAt, rebuilt.Decisions.Count));
        Assert.Equal(first.State.Decisions, rebuilt.Decisions);
    }
}
