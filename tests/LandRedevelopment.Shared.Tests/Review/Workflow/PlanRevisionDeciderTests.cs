using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

/// <summary>A plan returned for rework may come back with revised facts: its chain, gates and step follow them.</summary>
public class PlanRevisionDeciderTests
{
    private static readonly string[] CityBureau = ["city-bureau"];
    private static readonly string[] CityGovernment = ["city-government"];

    private static Decide Decide(ReviewState s, string officer, string[] roles, DecisionAction action, string? comment = null) =>
        new(s.StepId!, s.Attempt, officer, roles, action, comment);

    private static Dictionary<string, AttributeValue> Zhongwei(bool byOriginalUser, bool expropriation) => ZhongweiPlan(byOriginalUser, expropriation);

    /// <summary>A Zhongwei plan by another than the original land user, returned for rework at the city government's step with one document on file.</summary>
    private static ReviewHarness ZhongweiPlanReturnedAtApproval()
    {
        var h = new ReviewHarness("zhongwei", "沙坡头区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Decide(h.State, "ma", ["district-government:沙坡头区"], DecisionAction.Approve), Local(2026, 11, 3));
        h.Run(Decide(h.State, "niu", CityBureau, DecisionAction.Approve), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", [], Attributes: Zhongwei(byOriginalUser: false, expropriation: false)), "standard"), Local(2026, 12, 1));
        h.Run(new RecordPlanDocument(new PlanDocument("site-photos", ["city-bureau"])), Local(2026, 12, 1));
        h.Run(Decide(h.State, "niu", CityBureau, DecisionAction.Approve), Local(2026, 12, 2));
        h.Run(Decide(h.State, "yang", CityGovernment, DecisionAction.Return, "实施主体有误：由原土地使用权人自行实施"), Local(2026, 12, 3));
        Assert.Equal((ReviewPhase.ReturnedForRework, "city-government-approval"), (h.State.Phase, h.State.StepId));
        return h;
    }

    [Fact]
    public void A_revised_plan_on_the_same_chain_resumes_at_the_step_that_returned_it_and_its_gates_follow_the_new_facts()
    {
        var h = ZhongweiPlanReturnedAtApproval();

        // As first stated, the approval would wait for the original land user's consent (中卫 section 5(2)).
        var revised = new PlanFacts("industrial", "industrial", [new PlanDocument("ignored", [])], Attributes: Zhongwei(byOriginalUser: true, expropriation: false));
        var events = h.Run(new Resubmitted(new RevisePlan(revised, "standard")), Local(2026, 12, 7));

        Assert.Collection(events,
            e => Assert.Equal(("standard", 1), (((PlanRevised)e).ChainId, ((PlanRevised)e).StepIndex)),
            e => Assert.IsType<ReworkResubmitted>(e),
            e => Assert.Equal(("city-government-approval", 2), (((StepEntered)e).StepId, ((StepEntered)e).Attempt)));
        Assert.Equal(AttributeValue.Of(true), h.State.Plan!.Attributes!["implementedByOriginalLandUser"]);
        Assert.Equal(["site-photos"], h.State.Plan.Documents.Select(d => d.Kind)); // the documents on file stay; the revision's are not read

        h.Run(Decide(h.State, "yang", CityGovernment, DecisionAction.Approve), Local(2026, 12, 8));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void A_revised_plan_that_now_needs_a_document_waits_for_it()
    {
        var h = ZhongweiPlanReturnedAtApproval();
        h.Run(new Resubmitted(new RevisePlan(new PlanFacts("industrial", "industrial", [], Attributes: Zhongwei(byOriginalUser: true, expropriation: true)), "standard")), Local(2026, 12, 7));

        var blocked = h.Try(Decide(h.State, "yang", CityGovernment, DecisionAction.Approve), Local(2026, 12, 8));
        Assert.Equal((RejectionKind.GateNotSatisfied, "social-stability-assessment"), (blocked.Rejection?.Kind, blocked.Rejection?.GateId));
    }

    [Fact]
    public void A_revised_plan_is_held_to_the_plan_conditions_a_firm_limit_refuses_it_and_a_rule_in_principle_is_recorded()
    {
        var h = ZhongweiPlanReturnedAtApproval();
        var before = h.State;

        // 中卫 section 4(5): scattered plots over a tenth of the project refuse the revision, alone or with the resubmission.
        var over = new RevisePlan(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan(scatteredM2: 2500, largestPlotM2: 2500)), "standard");
        foreach (var command in new ReviewCommand[] { over, new Resubmitted(over) })
        {
            var refused = h.Try(command, Local(2026, 12, 7));
            Assert.Equal((RejectionKind.PlanConditionBroken, "scattered-plots-share"), (refused.Rejection?.Kind, refused.Rejection?.ConditionId));
            Assert.Equal(["attributes.scatteredPlotsAreaM2", "attributes.projectAreaM2"], refused.Rejection?.Facts);
            Assert.Same(before, h.State);
        }

        // Under a tenth of a larger project, the 2,500 m² plot departs from 原则上不超过3亩 only: taken, the departure recorded.
        var larger = new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan(scatteredM2: 2500, largestPlotM2: 2500, projectM2: 30_000));
        var revised = (PlanRevised)h.Run(new Resubmitted(new RevisePlan(larger, "standard")), Local(2026, 12, 7))[0];
        Assert.Equal("scattered-plot-size", Assert.Single(revised.Plan.Departures!).ConditionId);
        Assert.Equal("scattered-plot-size", Assert.Single(h.State.Plan!.Departures!).ConditionId);
        Assert.Equal(["site-photos"], h.State.Plan.Documents.Select(d => d.Kind));

        // The scattered plots now need the social-stability assessment (4(5)), though nothing is expropriated.
        var blocked = h.Try(Decide(h.State, "yang", CityGovernment, DecisionAction.Approve), Local(2026, 12, 8));
        Assert.Equal((RejectionKind.GateNotSatisfied, "social-stability-assessment"), (blocked.Rejection?.Kind, blocked.Rejection?.GateId));

        // Revised again without scattered plots, the plan departs from nothing and needs no assessment.
        h.Run(Decide(h.State, "yang", CityGovernment, DecisionAction.Return, "零星用地不纳入本次改造"), Local(2026, 12, 9));
        h.Run(new Resubmitted(new RevisePlan(new PlanFacts("industrial", "industrial", [], Attributes: ZhongweiPlan()), "standard")), Local(2026, 12, 10));
        Assert.Null(h.State.Plan!.Departures);
        h.Run(Decide(h.State, "yang", CityGovernment, DecisionAction.Approve), Local(2026, 12, 11));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void A_revision_that_chooses_another_chain_starts_that_chain_at_its_first_step()
    {
        // 佳木斯 item 19: the green channel is a chain of its own (one step); a plan revised onto it starts it.
        var h = new ReviewHarness("jiamusi", "前进区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(Decide(h.State, "a", ["district-bureau:前进区"], DecisionAction.Approve), Local(2026, 11, 3));
        h.Run(Decide(h.State, "b", CityBureau, DecisionAction.Approve), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 5)), Local(2026, 11, 5));
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2026, 11, 9));
        h.Run(Decide(h.State, "b", CityBureau, DecisionAction.Approve), Local(2026, 11, 10));
        h.Run(Decide(h.State, "c", CityGovernment, DecisionAction.Return, "符合绿色通道条件"), Local(2026, 11, 11));

        var green = new PlanFacts("industrial", "industrial", [], GreenChannel: true);
        var events = h.Run(new Resubmitted(new RevisePlan(green, "green-channel")), Local(2026, 11, 12));

        Assert.Equal(("green-channel", 0), (((PlanRevised)events[0]).ChainId, ((PlanRevised)events[0]).StepIndex));
        Assert.Equal(("green-channel", "city-bureau-green-channel", ReviewPhase.PlanInReview), (h.State.ChainId, h.State.StepId, h.State.Phase));
        h.Run(Decide(h.State, "b", CityBureau, DecisionAction.Approve), Local(2026, 11, 13));
        Assert.Equal(ReviewPhase.Redevelopment, h.State.Phase);
    }

    [Fact]
    public void A_revision_alone_changes_the_plan_and_the_later_resubmission_resumes_on_its_chain()
    {
        // The resubmission that waits for new evidence applies its revision first; the review resumes when the files are in.
        var h = ZhongweiPlanReturnedAtApproval();
        var events = h.Run(new RevisePlan(new PlanFacts("industrial", "commercial", [], Attributes: Zhongwei(byOriginalUser: true, expropriation: false)), "standard"), Local(2026, 12, 7));

        Assert.IsType<PlanRevised>(Assert.Single(events));
        Assert.Equal((ReviewPhase.ReturnedForRework, "commercial"), (h.State.Phase, h.State.Plan!.NewLandUse));
        var entered = h.Run(new Resubmitted(), Local(2026, 12, 9)).OfType<StepEntered>().Single();
        Assert.Equal("city-government-approval", entered.StepId);
    }

    [Fact]
    public void Only_a_plan_returned_for_rework_is_revised()
    {
        var h = ZhongweiPlanReturnedAtApproval();
        h.Run(new Resubmitted(), Local(2026, 12, 7));
        var revision = new RevisePlan(new PlanFacts("industrial", "industrial", [], Attributes: Zhongwei(true, false)), "standard");

        Assert.Equal(RejectionKind.NotAllowed, h.Try(revision, Local(2026, 12, 8)).Rejection?.Kind); // in review again
        Assert.Equal(RejectionKind.NotAllowed, h.Try(new Resubmitted(revision), Local(2026, 12, 8)).Rejection?.Kind);

        var determination = new ReviewHarness("zhongwei", "沙坡头区");
        determination.Run(new StartReview("standard"), Local(2026, 11, 2));
        determination.Run(Decide(determination.State, "ma", ["district-government:沙坡头区"], DecisionAction.Return, "补充"), Local(2026, 11, 3));
        Assert.Equal(RejectionKind.InvalidCommand, determination.Try(revision, Local(2026, 11, 4)).Rejection?.Kind);
    }

    [Fact]
    public void A_revision_naming_a_chain_the_policy_lacks_is_refused_and_changes_nothing()
    {
        var h = ZhongweiPlanReturnedAtApproval();
        var before = h.State;

        var result = h.Try(new Resubmitted(new RevisePlan(new PlanFacts("industrial", "industrial", []), "no-such-chain")), Local(2026, 12, 7));

        Assert.Equal(RejectionKind.InvalidCommand, result.Rejection?.Kind);
        Assert.Same(before, h.State);
    }
}
