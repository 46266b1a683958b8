using System.Collections.Immutable;
using System.Text.Json;
using FsCheck.Fluent;
using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Screening;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

/// <summary>
/// The review state as the case row stores it: what is read back is the state that was written, so a case reloaded
/// from storage decides exactly as the one in memory would have.
/// </summary>
public class ReviewStateJsonTests
{
    private static readonly PolicyDocument Karamay = SeedPolicies.Get("karamay").Policy;
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static ReviewContext Context(DateTimeOffset now) => new(Karamay, "1", HolidayCalendar.WeekendsOnly, China, ReviewWorld.District, now);

    private static ReviewState RoundTrip(ReviewState state) => ReviewStateJson.Read(ReviewStateJson.Write(state));

    /// <summary>Every field the same: scalars by record equality (so a field added later is covered), collections by content, instants with their offsets.</summary>
    private static void AssertSame(ReviewState expected, ReviewState actual)
    {
        static ReviewState Scalars(ReviewState s) =>
            s with { Visits = ImmutableDictionary<string, int>.Empty, LinksReissued = ImmutableDictionary<string, DateTimeOffset>.Empty, Decisions = [], Plan = null };

        Assert.Equal(Scalars(expected), Scalars(actual));
        Assert.Equal(expected.Visits.OrderBy(v => v.Key, StringComparer.Ordinal), actual.Visits.OrderBy(v => v.Key, StringComparer.Ordinal));
        Assert.Equal(expected.LinksReissued.OrderBy(v => v.Key, StringComparer.Ordinal), actual.LinksReissued.OrderBy(v => v.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Decisions, actual.Decisions);
        Assert.Equal(JsonSerializer.Serialize(expected.Plan), JsonSerializer.Serialize(actual.Plan));
        Assert.Equal(ReviewStateJson.Write(expected), ReviewStateJson.Write(actual));
    }

    /// <summary>Drives one case through the pure decider, checking after every accepted command that the state survives storage.</summary>
    private sealed class Script
    {
        public DateTimeOffset Now { get; set; } = ReviewWorld.Start;

        public ReviewState State { get; private set; } = ReviewState.Initial;

        public void Run(ReviewCommand command)
        {
            var result = ReviewDecider.Decide(State, command, Context(Now));
            Assert.True(result.IsAccepted, $"{command} was refused: {result.Rejection}");
            State = ReviewState.Evolve(State, result.Events);
            AssertSame(State, RoundTrip(State));
        }

        public void Decide(DecisionAction action, string? comment = null) =>
            Run(new Decide(State.StepId!, State.Attempt, "officer-1", [State.StepRole!], action, comment));
    }

    [Fact]
    public void Nothing_stored_reads_as_the_initial_state()
    {
        AssertSame(ReviewState.Initial, ReviewStateJson.Read(null));
        AssertSame(ReviewState.Initial, RoundTrip(ReviewState.Initial));
    }

    [Fact]
    public void A_plans_departures_round_trip_and_a_plan_without_any_stores_none()
    {
        var departure = new PlanDeparture("scattered-plot-size", "单宗零星用地面积原则上不超过3亩", "中卫 section 4(5)", "largestScatteredPlotAreaM2 2500 not ≤ 2000");
        var plan = new PlanFacts("industrial", "industrial", [], Departures: [departure]);

        var read = RoundTrip(ReviewState.Initial with { Plan = plan });

        Assert.Equal([departure], read.Plan!.Departures!);
        Assert.DoesNotContain("departures", ReviewStateJson.Write(ReviewState.Initial with { Plan = plan with { Departures = null } }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_folded_from_a_whole_review_round_trips_at_every_step()
    {
        var script = new Script();
        script.Run(new StartReview("standard"));
        script.Now = script.State.StepRemindAt!.Value.AddHours(1);
        script.Run(new ReminderDue(script.State.StepId!, script.State.Attempt));
        script.Run(new ReissueLinks(script.State.StepId!, script.State.Attempt, "officer-1", [script.State.StepRole!], script.Now.AddMinutes(1)));
        Assert.Single(script.State.LinksReissued);
        script.Decide(DecisionAction.Approve);
        script.Decide(DecisionAction.Return, "请补充权属证明材料");
        script.Run(new Resubmitted());
        script.Now = script.State.StepDueAt!.Value.AddHours(1);
        script.Run(new StepDeadlinePassed(script.State.StepId!, script.State.Attempt));
        script.Decide(DecisionAction.Approve, "同意");
        script.Decide(DecisionAction.Approve);
        script.Decide(DecisionAction.Approve);
        script.Now = script.Now.AddDays(1);
        script.Run(new DeterminationServed(LegalPeriods.LocalDate(script.Now, China)));
        script.Run(new PlanSubmitted(new PlanFacts("industrial", "commercial-services", [new PlanDocument("soil-pollution-survey", ["city-bureau"])],
            Attributes: new Dictionary<string, AttributeValue> { ["implementedByOriginalLandUser"] = AttributeValue.Of(false) }), "standard"));
        script.Run(new RecordPlanDocument(new PlanDocument("feasibility-study", ["district-bureau:" + ReviewWorld.District], Failed: false)));
        script.Decide(DecisionAction.Approve);

        var read = RoundTrip(script.State);
        Assert.Equal(ReviewPhase.Redevelopment, read.Phase);
        Assert.Equal((ReviewTrack.Plan, "district-plan-review", 1), (read.Track, read.StepId, read.Attempt));
        Assert.Equal(
            [new("city-bureau-review", 1), new("district-determination", 1), new("district-government-confirmation", 2), new("district-investigation", 1), new KeyValuePair<string, int>("district-plan-review", 1)],
            read.Visits.OrderBy(v => v.Key, StringComparer.Ordinal));
        Assert.Equal(
            [DecisionAction.Approve, DecisionAction.Return, DecisionAction.Approve, DecisionAction.Approve, DecisionAction.Approve, DecisionAction.Approve],
            read.Decisions.Select(d => d.Action));
        Assert.Equal(["soil-pollution-survey", "feasibility-study"], read.Plan!.Documents.Select(d => d.Kind));
        Assert.Equal(AttributeValue.Of(false), Assert.Single(read.Plan.Attributes!, a => a.Key == "implementedByOriginalLandUser").Value);
        Assert.NotNull(read.TransitionEndsAt);
        Assert.Equal(TimeSpan.FromHours(8), read.TransitionEndsAt!.Value.Offset);
        Assert.NotNull(read.PlanDeadlineAt);

        // A decision on the stored state is the decision on the state in memory.
        var overdue = new TransitionEnded();
        var later = Context(read.TransitionEndsAt.Value.AddDays(1));
        Assert.Equal(
            Json(ReviewDecider.Decide(script.State, overdue, later).Events),
            Json(ReviewDecider.Decide(read, overdue, later).Events));
    }

    private static string Json(IEnumerable<ReviewEvent> events) => string.Join("\n", events.Select(e => ReviewStateJson.EventData(e).GetRawText()));

    [Fact]
    public void A_review_reloaded_from_storage_after_every_command_decides_as_the_one_kept_in_memory()
    {
        var gen =
            from length in Gen.Choose(0, 40)
            from intents in Gen.ArrayOf(Gen.Choose(0, 13), length)
            select intents;

        PropertyCheck.ForAll(gen, intents =>
        {
            var now = ReviewWorld.Start;
            var memory = ReviewState.Initial;
            var stored = ReviewStateJson.Write(memory);
            foreach (var intent in intents)
            {
                (var command, now) = Command(intent, memory, now);
                var fromMemory = ReviewDecider.Decide(memory, command, Context(now));
                var fromStorage = ReviewDecider.Decide(ReviewStateJson.Read(stored), command, Context(now));

                Assert.Equal(fromMemory.Rejection?.Kind, fromStorage.Rejection?.Kind);
                Assert.Equal(Json(fromMemory.Events), Json(fromStorage.Events));
                memory = ReviewState.Evolve(memory, fromMemory.Events);
                stored = ReviewStateJson.Write(ReviewState.Evolve(ReviewStateJson.Read(stored), fromStorage.Events));
                AssertSame(memory, ReviewStateJson.Read(stored));
            }
        }, maxTest: 200);
    }

    /// <summary>The command an intent makes of the state (meaningful most of the time), and the clock it runs at.</summary>
    private static (ReviewCommand Command, DateTimeOffset Now) Command(int intent, ReviewState s, DateTimeOffset now)
    {
        static DateTimeOffset AtLeast(DateTimeOffset now, DateTimeOffset? at) => at is { } t && t > now ? t : now;
        var step = s.StepId ?? "district-investigation";
        var attempt = Math.Max(1, s.Attempt);
        IReadOnlyList<string> roles = s.StepRole is null ? [] : [s.StepRole];
        return intent switch
        {
            0 => (new StartReview("standard"), now),
            1 => (new Decide(step, attempt, "officer-1", roles, DecisionAction.Approve, null), now),
            2 => (new Decide(step, attempt, "officer-2", roles, DecisionAction.Return, "补充材料"), now),
            3 => (new Decide(step, attempt, "officer-3", roles, DecisionAction.Reject, "不予认定"), now),
            4 => (new Resubmitted(s.Track == ReviewTrack.Plan ? new RevisePlan(new PlanFacts("industrial", "enterprise-office", []), "standard") : null), now),
            5 => (new ReminderDue(step, attempt), AtLeast(now, s.StepRemindAt)),
            6 => (new StepDeadlinePassed(step, attempt), AtLeast(now, s.StepDueAt)),
            7 => (new DeterminationServed(LegalPeriods.LocalDate(now, China)), now),
            8 => (new PlanSubmitted(new PlanFacts("industrial", "commercial-services", [new PlanDocument("soil-pollution-survey", ["city-bureau"])]), "standard"), now),
            9 => (new RecordPlanDocument(new PlanDocument("soil-pollution-survey", ["city-bureau", "district-bureau:" + ReviewWorld.District])), now),
            10 => (new PlanDeadlinePassed(), AtLeast(now, s.PlanDeadlineAt)),
            11 => (new TransitionEnded(), AtLeast(now, s.TransitionEndsAt)),
            12 => (new ReissueLinks(step, attempt, "officer-1", roles, now), now.AddMinutes(1)),
            _ => (new ReminderDue("none", 0), now.AddDays(3)),
        };
    }
}
