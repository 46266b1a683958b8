using System.Text.Json;
using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Screening;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

/// <summary>Drives one case's review through the pure decider, folding accepted events as storage would.</summary>
internal sealed class ReviewHarness(string tenant, string district, HolidayCalendar? calendar = null)
{
    // TEST DATA, made up for these tests: a "National Day week" Thu 1 – Wed 7 October 2026 with make-up working
    // days Sun 27 September and Sat 10 October. Shaped like a State Council arrangement; not the published one.
    public static readonly HolidayCalendar MadeUpCalendar = new(
        holidays: Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d)),
        makeUpWorkingDays: [new DateOnly(2026, 9, 27), new DateOnly(2026, 10, 10)]);

    public static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The tenant's built-in policy; a test may set a variant of it before the first command.</summary>
    public PolicyDocument Policy { get; set; } = SeedPolicies.Get(tenant).Policy;

    public ReviewState State { get; private set; } = ReviewState.Initial;

    public List<ReviewEvent> Log { get; } = [];

    /// <summary>The parcel as surveyed, which reclamation grounds are judged on; null lets the plan deadline alone decide.</summary>
    public ScreeningInput? Parcel { get; set; }

    /// <summary>The tenant's holiday calendar as the next command sees it (a test may load a year later, as an administrator does).</summary>
    public HolidayCalendar Calendar { get; set; } = calendar ?? MadeUpCalendar;

    public ReviewContext Context(DateTimeOffset now) => new(Policy, $"{tenant}-v1", Calendar, China, district, now, Parcel);

    public DecisionResult Try(ReviewCommand command, DateTimeOffset now)
    {
        var result = ReviewDecider.Decide(State, command, Context(now));
        if (result.IsAccepted)
        {
            State = ReviewState.Evolve(State, result.Events);
            Log.AddRange(result.Events);
        }

        return result;
    }

    public IReadOnlyList<ReviewEvent> Run(ReviewCommand command, DateTimeOffset now)
    {
        var result = Try(command, now);
        Assert.True(result.IsAccepted, $"{command} was refused: {result.Rejection}");
        return result.Events;
    }

    /// <summary>
    /// The facts 中卫 asks every plan to state (sections 5(2), 4(5)): who carries it out, whether it expropriates, and the
    /// scattered plots it joins to a 20,000 m² project (none by default).
    /// </summary>
    public static Dictionary<string, AttributeValue> ZhongweiPlan(
        bool byOriginalUser = true, bool expropriation = false, decimal scatteredM2 = 0, decimal largestPlotM2 = 0, decimal projectM2 = 20_000) => new()
    {
        ["implementedByOriginalLandUser"] = AttributeValue.Of(byOriginalUser),
        ["involvesExpropriationOrReclamation"] = AttributeValue.Of(expropriation),
        ["projectAreaM2"] = AttributeValue.Of(projectM2),
        ["scatteredPlotsAreaM2"] = AttributeValue.Of(scatteredM2),
        ["largestScatteredPlotAreaM2"] = AttributeValue.Of(largestPlotM2),
    };

    /// <summary>
    /// A Karamay case (克拉玛依区, weekends only as rest days) whose determination was served on Thursday 5 November 2026,
    /// under the city's deadlines as <paramref name="deadlines"/> edits them.
    /// </summary>
    public static ReviewHarness KaramayServed(Func<DeadlineRules, DeadlineRules> deadlines)
    {
        ArgumentNullException.ThrowIfNull(deadlines);
        var h = new ReviewHarness("karamay", "克拉玛依区", new HolidayCalendar([], []));
        h.Policy = h.Policy with { Deadlines = deadlines(h.Policy.Deadlines) };
        h.Run(new StartReview("standard"), Local(2026, 10, 12));
        foreach (var roles in new[] { new[] { "district-bureau:克拉玛依区" }, ["district-government:克拉玛依区"], ["city-bureau"], ["district-bureau:克拉玛依区"] })
        {
            h.Run(new Decide(h.State.StepId!, h.State.Attempt, "officer", roles, DecisionAction.Approve, null), Local(2026, 10, 20));
        }

        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        return h;
    }

    public static DateTimeOffset Local(int year, int month, int day, int hour = 10) => new(year, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    public static string Json(IEnumerable<ReviewEvent> events) => JsonSerializer.Serialize(events.ToList());
}
