using System.Net;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>Races and crashes: one decision per step, and nothing acknowledged is lost when the app dies.</summary>
public sealed class ReviewDurabilityTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Fifty_concurrent_posts_of_one_link_apply_exactly_one_decision()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        var link = ReviewFixture.Link(await fixture.MailAsync(caseId, "decision-request", "district-investigation#1"), "approve");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await fixture.PostLinkAsync(link, "同意");
            return response.StatusCode;
        }));

        Assert.Equal(1, responses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(49, responses.Count(s => s == HttpStatusCode.Conflict));
        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepApproved");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepEntered" && e.GetProperty("data").GetProperty("stepId").GetString() == "district-government-confirmation");

        await fixture.MailAsync(caseId, "decision-request", "district-government-confirmation#1");
        await Task.Delay(1000);
        Assert.Single(await fixture.MailsAsync(caseId, "decision-request"), m => m.Header("x-review-step") == "district-government-confirmation#1");
    }

    [Fact]
    public async Task The_app_killed_between_commit_and_mail_still_sends_the_mail_and_never_applies_the_decision_twice()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        var link = ReviewFixture.Link(await fixture.MailAsync(caseId, "decision-request", "district-investigation#1"), "approve");

        // An instance that dies (SIGKILL) the moment a review transition has committed, before its outbox is relayed.
        using (var doomed = await fixture.StartAppAsync(new Dictionary<string, string?> { ["Faults__ExitAfterReviewCommit"] = "true" }))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
            {
                using var response = await fixture.PostLinkAsync(link, "同意", doomed);
            });
            Assert.True(doomed.Process.Process.WaitForExit(10_000), "the instance did not die");
        }

        // The decision was acknowledged by storage: it is on record once.
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "StepApproved");

        // A new instance relays what the dead one left at start-up: the next step's mail arrives.
        using (var restarted = await fixture.StartAppAsync())
        {
            await fixture.MailAsync(caseId, "decision-request", "district-government-confirmation#1", timeout: TimeSpan.FromSeconds(60));
        }

        // The officer, seeing no answer, presses again: the recorded outcome, not a second decision.
        using (var again = await fixture.PostLinkAsync(link, "同意"))
        {
            var page = await again.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("approve", page);
        }

        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepApproved");
        await Task.Delay(1000);
        Assert.Single(await fixture.MailsAsync(caseId, "decision-request"), m => m.Header("x-review-step") == "district-government-confirmation#1");
    }
}
