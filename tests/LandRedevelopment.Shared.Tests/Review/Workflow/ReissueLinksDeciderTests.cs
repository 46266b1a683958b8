using LandRedevelopment.Review;
using LandRedevelopment.Review.Workflow;
using static LandRedevelopment.Shared.Tests.Review.Workflow.ReviewHarness;

namespace LandRedevelopment.Shared.Tests.Review.Workflow;

public class ReissueLinksDeciderTests
{
    private const string District = "克拉玛依区";
    private static readonly string[] DistrictBureau = ["district-bureau:克拉玛依区"];

    private static (ReviewHarness Harness, StepEntered Entered) AtFirstStep(DateTimeOffset start)
    {
        var h = new ReviewHarness("karamay", District);
        var entered = (StepEntered)h.Run(new StartReview("standard"), start)[1];
        return (h, entered);
    }

    private static ReissueLinks Reissue(ReviewState s, string officer, string[] roles, DateTimeOffset since) => new(s.StepId!, s.Attempt, officer, roles, since);

    [Fact]
    public void An_officer_whose_address_changed_after_the_steps_links_were_mailed_gets_fresh_links_once_per_change()
    {
        var start = Local(2026, 11, 2);
        var (h, entered) = AtFirstStep(start);
        var changed = start.AddHours(1);

        var reissued = Assert.IsType<LinksReissued>(Assert.Single(h.Run(Reissue(h.State, "wang", DistrictBureau, changed), start.AddHours(2))));
        Assert.Equal((entered.StepId, 1, entered.Role, "wang", changed, start.AddHours(2)),
            (reissued.StepId, reissued.Attempt, reissued.Role, reissued.OfficerId, reissued.MailboxSince, reissued.At));

        // The same change again (a repeated PUT, a retried pass): nothing.
        Assert.Empty(h.Run(Reissue(h.State, "wang", DistrictBureau, changed), start.AddHours(3)));

        // A later change of the same officer's address: fresh links again.
        Assert.Single(h.Run(Reissue(h.State, "wang", DistrictBureau, start.AddHours(4)), start.AddHours(4)));
        Assert.Empty(h.Run(Reissue(h.State, "wang", DistrictBureau, start.AddHours(4)), start.AddHours(5)));
    }

    [Fact]
    public void No_fresh_links_for_an_officer_without_the_steps_role_a_visit_left_or_links_mailed_after_the_change()
    {
        var start = Local(2026, 11, 2);
        var (h, entered) = AtFirstStep(start);

        // Not the step's role.
        Assert.Empty(h.Run(Reissue(h.State, "zhao", ["city-bureau"], start.AddHours(1)), start.AddHours(1)));

        // The step was entered (and its links mailed) after the address changed: they went to the present address.
        Assert.Empty(h.Run(Reissue(h.State, "wang", DistrictBureau, start.AddSeconds(-1)), start.AddHours(1)));
        Assert.Empty(h.Run(Reissue(h.State, "wang", DistrictBureau, start), start.AddHours(1)));

        // The overdue mail re-issued links after the change.
        h.Run(new StepDeadlinePassed(entered.StepId, 1), entered.DueAt);
        Assert.Empty(h.Run(Reissue(h.State, "wang", DistrictBureau, entered.DueAt.AddMinutes(-1)), entered.DueAt.AddMinutes(1)));
        Assert.Single(h.Run(Reissue(h.State, "wang", DistrictBureau, entered.DueAt.AddMinutes(2)), entered.DueAt.AddMinutes(3)));

        // A visit the case has left, and a case between steps.
        var stale = Reissue(h.State, "wang", DistrictBureau, entered.DueAt.AddDays(1));
        h.Run(new Decide(entered.StepId, 1, "wang", DistrictBureau, DecisionAction.Approve, null), entered.DueAt.AddHours(1));
        Assert.Empty(h.Run(stale, entered.DueAt.AddDays(2)));
        Assert.Empty(h.State.LinksReissued);
    }

    [Fact]
    public void A_step_entered_again_starts_with_no_reissued_links()
    {
        var start = Local(2026, 11, 2);
        var (h, entered) = AtFirstStep(start);
        h.Run(Reissue(h.State, "wang", DistrictBureau, start.AddHours(1)), start.AddHours(1));
        h.Run(new Decide(entered.StepId, 1, "wang", DistrictBureau, DecisionAction.Return, "请补充"), start.AddHours(2));
        h.Run(new Resubmitted(), start.AddHours(3));

        Assert.Equal((entered.StepId, 2), (h.State.StepId, h.State.Attempt));
        Assert.Empty(h.State.LinksReissued);
        Assert.Equal(start.AddHours(3), h.State.LinksMailedAt);
    }
}
