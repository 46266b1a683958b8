using System.Net;
using System.Text.Json;
using LandRedevelopment.Functions.Tests.Cases;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>The determination chain of each built-in city, end to end: links taken from the mails MailDev received.</summary>
public sealed class ReviewChainTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    public static TheoryData<string, string?, string[], string> Chains => new()
    {
        // 克拉玛依 art. 6: district bureau → district government → city bureau → district bureau issues the determination.
        { "karamay", null, ["district-investigation", "district-government-confirmation", "city-bureau-review", "district-determination"], "district-bureau" },
        { "urumqi", null, ["district-investigation", "city-bureau-review"], "district-government" },
        { "zhongwei", null, ["district-survey", "city-bureau-determination"], "district-government" },
        // 中卫 section 1: industrial land in the park is determined by the park committee alone.
        { "zhongwei", "zhongwei-industrial-park", ["park-committee-determination"], "park-committee" },
        { "jiamusi", null, ["district-investigation", "city-bureau-determination"], "district-bureau" },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public async Task Every_step_is_decided_through_its_mailed_link_and_the_determination_is_issued(string city, string? zone, string[] steps, string firstOfficer)
    {
        var town = fixture.City(city);
        var caseId = await town.StartCaseAsync(zone);

        var view = await town.CaseAsync(caseId);
        var review = view.GetProperty("review");
        Assert.Equal(steps[0], review.GetProperty("currentStep").GetProperty("id").GetString());
        Assert.Equal(firstOfficer, review.GetProperty("mustAct")[0].GetProperty("id").GetString());
        Assert.Contains(view.GetProperty("deadlines").EnumerateArray(), d => d.GetProperty("kind").GetString() == "step-decision");

        var first = await fixture.MailAsync(caseId, "decision-request", steps[0] + "#1");
        Assert.Equal($"{firstOfficer}@{city}.maildev.local", first.To[0].Address);
        Assert.Contains(caseId, first.Subject);
        Assert.StartsWith(new Uri(fixture.App.BaseAddress, "api/review/").ToString(), ReviewFixture.Link(first, "approve"));

        foreach (var step in steps)
        {
            await town.DecideAsync(caseId, step + "#1", comment: "同意 " + step);
        }

        view = await town.WaitStateAsync(caseId, "DeterminationIssued");
        Assert.Equal(steps.Length, view.GetProperty("review").GetProperty("decisions").GetArrayLength());

        // The written determination, in Chinese, citing the criterion met and its article.
        using var notice = await town.SendAsync(HttpMethod.Get, $"cases/{caseId}/determination-notice");
        Assert.Equal(HttpStatusCode.OK, notice.StatusCode);
        var html = await notice.Content.ReadAsStringAsync();
        Assert.Contains("低效用地认定书", html);
        var criterion = view.GetProperty("screening").GetProperty("result").GetProperty("criteria").EnumerateArray().First(c => c.GetProperty("met").GetBoolean());
        Assert.Contains(System.Net.WebUtility.HtmlEncode(criterion.GetProperty("source").GetString()!), html);

        var timeline = await town.TimelineAsync(caseId);
        var approvals = timeline.Where(e => e.GetProperty("type").GetString() == "StepApproved").ToList();
        Assert.Equal(steps, approvals.Select(e => e.GetProperty("data").GetProperty("stepId").GetString()));
        Assert.All(approvals, e => Assert.StartsWith("officer:", e.GetProperty("actor").GetString()));
        Assert.Contains(timeline, e => e.GetProperty("type").GetString() == "DeterminationIssued");
        Assert.Equal(timeline.Select(e => e.GetProperty("sequence").GetInt32()), Enumerable.Range(1, timeline.Count));
        await fixture.MailAsync(caseId, "determination-issued");
    }

    [Fact]
    public async Task Opening_a_link_only_shows_the_confirmation_page_and_changes_nothing()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        var mail = await fixture.MailAsync(caseId, "decision-request", "district-investigation#1");
        var before = (await town.TimelineAsync(caseId)).Count;

        foreach (var action in new[] { "approve", "return", "reject" })
        {
            // Mail scanners fetch every link: a GET must never decide.
            using var page = await fixture.GetLinkAsync(ReviewFixture.Link(mail, action));
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            Assert.Contains($"data-action=\"{action}\"", html);
            Assert.Contains("method=\"post\"", html);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
            Assert.Contains("no-referrer", page.Headers.GetValues("Referrer-Policy"));
        }

        Assert.Equal(before, (await town.TimelineAsync(caseId)).Count);
        Assert.Equal("InReview", (await town.CaseAsync(caseId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_rejection_closes_the_case_and_every_other_link_of_the_step_is_spent()
    {
        var town = fixture.City("urumqi");
        var caseId = await town.StartCaseAsync();
        var mail = await fixture.MailAsync(caseId, "decision-request", "district-investigation#1");

        using (var rejected = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "reject"), "不符合认定情形"))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }

        var view = await town.WaitStateAsync(caseId, "Rejected");
        var decision = view.GetProperty("review").GetProperty("decisions")[0];
        Assert.Equal("reject", decision.GetProperty("action").GetString());
        Assert.Equal("district-government", decision.GetProperty("officerId").GetString());
        Assert.Equal("不符合认定情形", decision.GetProperty("comment").GetString());

        // The approve link of the same step now shows the recorded outcome and changes nothing.
        using var late = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "approve"));
        var page = await late.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("reject", page);
        Assert.Equal("Rejected", (await town.CaseAsync(caseId)).GetProperty("state").GetString());
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "Rejected");
        await fixture.MailAsync(caseId, "rejected");

        // A closed case no longer holds its parcel: a new survey of it opens a new case.
        var landCode = view.GetProperty("parcel").GetProperty("landCode").GetString()!;
        var next = await town.SubmitParcelAsync(landCode, null);
        Assert.NotEqual(caseId, next);
    }

    [Fact]
    public async Task A_live_case_holds_its_parcel_against_a_new_survey()
    {
        var town = fixture.City("urumqi");
        var caseId = await town.StartCaseAsync();
        var landCode = (await town.CaseAsync(caseId)).GetProperty("parcel").GetProperty("landCode").GetString()!;
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => town.SubmitParcelAsync(landCode, null));
    }
}
