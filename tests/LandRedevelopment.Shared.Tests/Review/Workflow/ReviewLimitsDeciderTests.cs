using LandRedevelopment.Cases;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

/// <summary>The review's limits (<see cref="CaseLimits"/>): past one the decider refuses naming the rule and the field, and the state stays.</summary>
public class ReviewLimitsDeciderTests
{
    private const string Bureau = "district-bureau:克拉玛依区";

    private static void AssertLimit(DecisionResult result, string rule, string field)
    {
        Assert.Equal(RejectionKind.LimitReached, result.Rejection?.Kind);
        Assert.Equal(rule, result.Rejection!.Rule);
        Assert.Equal(field, result.Rejection.Field);
        Assert.Empty(result.Events);
    }

    /// <summary>A Karamay case returned at its first step <paramref name="returns"/> times, each return resubmitted, with <paramref name="comment"/>.</summary>
    private static ReviewHarness ReturnedTimes(int returns, string comment)
    {
        var h = new ReviewHarness("karamay", "克拉玛依区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        for (var i = 1; i <= returns; i++)
        {
            h.Run(new Decide("district-investigation", i, "wang", [Bureau], DecisionAction.Return, comment), Local(2026, 11, 3));
            h.Run(new Resubmitted(), Local(2026, 11, 3));
        }

        return h;
    }

    /// <summary>A Jiamusi case whose determination was served: it takes plans (佳木斯 sets no plan deadline).</summary>
    private static ReviewHarness ServedInJiamusi()
    {
        var h = new ReviewHarness("jiamusi", "前进区");
        h.Run(new StartReview("standard"), Local(2026, 11, 2));
        h.Run(new Decide("district-investigation", 1, "a", ["district-bureau:前进区"], DecisionAction.Approve, null), Local(2026, 11, 3));
        h.Run(new Decide("city-bureau-determination", 1, "b", ["city-bureau"], DecisionAction.Approve, null), Local(2026, 11, 4));
        h.Run(new DeterminationServed(new DateOnly(2026, 11, 4)), Local(2026, 11, 4));
        return h;
    }

    [Fact]
    public void A_return_past_the_rework_limit_is_refused_while_approving_still_decides()
    {
        var h = ReturnedTimes(CaseLimits.MaxReworkReturns, "补充");
        var before = h.State;
        var attempt = CaseLimits.MaxReworkReturns + 1;

        AssertLimit(h.Try(new Decide("district-investigation", attempt, "wang", [Bureau], DecisionAction.Return, "再补充"), Local(2026, 11, 4)), "rework-limit", "action");
        Assert.Same(before, h.State);
        Assert.IsType<StepApproved>(h.Run(new Decide("district-investigation", attempt, "wang", [Bureau], DecisionAction.Approve, "同意"), Local(2026, 11, 4))[0]);
    }

    [Fact]
    public void A_comment_past_the_cases_comment_allowance_is_refused_and_a_shorter_one_decides()
    {
        var returns = CaseLimits.MaxCommentCharacters / 2_000;
        var h = ReturnedTimes(returns, new string('补', 2_000));
        var before = h.State;
        var attempt = returns + 1;

        AssertLimit(h.Try(new Decide("district-investigation", attempt, "wang", [Bureau], DecisionAction.Approve, "同意"), Local(2026, 11, 4)), "comments-limit", "comment");
        Assert.Same(before, h.State);
        Assert.Null(((StepApproved)h.Run(new Decide("district-investigation", attempt, "wang", [Bureau], DecisionAction.Approve, null), Local(2026, 11, 4))[0]).Comment);
    }

    [Fact]
    public void A_plan_past_the_plans_limit_or_with_too_many_documents_is_refused()
    {
        var h = ServedInJiamusi();
        var plan = new PlanFacts("industrial", "industrial", []);
        var tooManyDocuments = plan with { Documents = Enumerable.Range(0, CaseLimits.MaxPlanDocuments + 1).Select(i => new PlanDocument("kind-" + i, [])).ToList() };
        AssertLimit(h.Try(new PlanSubmitted(tooManyDocuments, "standard"), Local(2026, 11, 5)), "plan-documents-limit", "documents");

        // 佳木斯 sets no plan deadline: without the limit plans could follow rejected plans for ever.
        for (var i = 0; i < CaseLimits.MaxPlans; i++)
        {
            var entered = (StepEntered)h.Run(new PlanSubmitted(plan, "standard"), Local(2026, 11, 5))[^1];
            h.Run(new Decide(entered.StepId, entered.Attempt, "b", [entered.Role], DecisionAction.Reject, null), Local(2026, 11, 6));
        }

        var before = h.State;
        AssertLimit(h.Try(new PlanSubmitted(plan, "standard"), Local(2026, 11, 7)), "plans-limit", "submissionId");
        Assert.Same(before, h.State);
    }

    [Fact]
    public void A_plan_keeps_at_most_its_limit_of_document_kinds_but_a_kind_on_file_can_change()
    {
        var h = ServedInJiamusi();
        h.Run(new PlanSubmitted(new PlanFacts("industrial", "industrial", []), "standard"), Local(2026, 11, 5));
        for (var i = 0; i < CaseLimits.MaxPlanDocuments; i++)
        {
            h.Run(new RecordPlanDocument(new PlanDocument("kind-" + i, [])), Local(2026, 11, 5));
        }

        AssertLimit(h.Try(new RecordPlanDocument(new PlanDocument("one-more", [])), Local(2026, 11, 5)), "plan-documents-limit", "kind");
        h.Run(new RecordPlanDocument(new PlanDocument("kind-0", ["city-bureau"])), Local(2026, 11, 6));
        Assert.Equal(CaseLimits.MaxPlanDocuments, h.State.Plan!.Documents.Count);
    }
}
