using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Review;
using LandRedevelopment.Functions.Tests.Cases;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// The review's case limits (<see cref="CaseLimits"/>) reached through the API as the land user and the officers would
/// reach them (克拉玛依): the request past a limit is 409 problem+json naming the rule and the field, and the case — its
/// view and its timeline — stays as it was.
/// </summary>
public sealed class ReviewLimitTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string PlanStep = "district-plan-review";

    private static readonly string[] KaramayChain = ["district-investigation", "district-government-confirmation", "city-bureau-review", "district-determination"];

    private readonly ReviewCity _town = fixture.City("karamay");

    [Fact]
    public async Task A_plan_after_the_most_plans_a_case_takes_were_rejected_is_refused_and_so_is_its_retry()
    {
        var caseId = await ServedAsync();
        for (var plan = 1; plan <= CaseLimits.MaxPlans; plan++)
        {
            await SubmitPlanAsync(caseId, Plan());
            await _town.DecideAsync(caseId, $"{PlanStep}#{plan}", "reject", "方案不可行");
            await _town.WaitStateAsync(caseId, "DeterminationServed");
        }

        // The next plan, declaring a document, is refused, and a retry of the same submission is refused alike: no
        // plan, no evidence file, no event.
        var next = Plan(SurveyKit.Declare("plan-next.pdf", SurveyKit.Pdf(2048, seed: 61), "application/pdf"));
        var before = await SnapshotAsync(caseId);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var refused = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", next);
            var problem = await ReviewFixture.AssertLimitAsync(refused, "plans-limit", "$.submissionId");
            Assert.Equal("plans-limit", problem.GetProperty("rule").GetString());
            Assert.Equal(before, await SnapshotAsync(caseId));
        }

        var view = await _town.CaseAsync(caseId);
        Assert.Equal("DeterminationServed", view.GetProperty("state").GetString());
        Assert.DoesNotContain(view.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("name").GetString() == "plan-next.pdf");
        Assert.Equal(CaseLimits.MaxPlans, (await _town.TimelineAsync(caseId)).Count(e => e.GetProperty("type").GetString() == "PlanReceived"));
    }

    [Fact]
    public async Task A_document_of_a_new_kind_past_the_most_a_plan_keeps_is_refused_while_a_kind_on_file_is_still_recorded()
    {
        var caseId = await ServedAsync();
        await SubmitPlanAsync(caseId, Plan());
        var kinds = Enumerable.Range(1, CaseLimits.MaxPlanDocuments).Select(i => $"assessment-{i}").ToList();
        foreach (var kind in kinds)
        {
            await RecordDocumentAsync(caseId, kind, []);
        }

        var before = await SnapshotAsync(caseId);
        using (var refused = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan/documents", new { kind = "assessment-next", approvedBy = new[] { "city-bureau" }, failed = false }))
        {
            var problem = await ReviewFixture.AssertLimitAsync(refused, "plan-documents-limit", "$.kind");
            Assert.Equal("plan-documents-limit", problem.GetProperty("rule").GetString());
        }

        Assert.Equal(before, await SnapshotAsync(caseId));

        // The limit is on kinds: a later review of a document on file replaces it.
        var view = await RecordDocumentAsync(caseId, kinds[0], ["city-bureau"]);
        var documents = view.GetProperty("review").GetProperty("plan").GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal(kinds.Order(StringComparer.Ordinal), documents.Select(d => d.GetProperty("kind").GetString()!).Order(StringComparer.Ordinal));
        var reviewed = Assert.Single(documents, d => d.GetProperty("kind").GetString() == kinds[0]);
        Assert.Equal(["city-bureau"], reviewed.GetProperty("approvedBy").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_comment_past_the_most_a_case_keeps_is_refused_on_the_decision_link_and_a_decision_without_one_still_decides()
    {
        var caseId = await _town.StartCaseAsync();

        // Returns with the longest comments a link takes, each resubmitted, until the case's comments are at their limit.
        var attempt = 1;
        for (var left = CaseLimits.MaxCommentCharacters; left > 0; attempt++)
        {
            var comment = new string('补', Math.Min(left, ReviewLinksApi.MaxCommentLength));
            await _town.ReturnAsync(caseId, $"{KaramayChain[0]}#{attempt}", comment);
            left -= comment.Length;
            using var resubmitted = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", new { submissionId = "resub-" + Guid.NewGuid().ToString("N"), comment = "已补充" });
            Assert.Equal(HttpStatusCode.OK, resubmitted.StatusCode);
        }

        var step = $"{KaramayChain[0]}#{attempt}";
        var approve = ReviewFixture.Link(await fixture.MailAsync(caseId, "decision-request", step), "approve");
        var view = await _town.WaitStepAsync(caseId, KaramayChain[0], attempt);
        Assert.Equal(CaseLimits.MaxCommentCharacters, view.GetProperty("review").GetProperty("decisions").EnumerateArray().Sum(d => d.GetProperty("comment").GetString()!.Length));
        var before = await SnapshotAsync(caseId);

        // One character more is refused: the officer's page says so, and a JSON client gets the problem naming the comment.
        using (var page = await fixture.PostLinkAsync(approve, "同意"))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("已达上限", html, StringComparison.Ordinal);
            Assert.Contains("Nothing was decided.", html, StringComparison.Ordinal);
        }

        using (var refused = await fixture.SendLinkAsJsonAsync(HttpMethod.Post, approve, "同"))
        {
            await ReviewFixture.AssertLimitAsync(refused, "comments-limit", "comment");
        }

        Assert.Equal(before, await SnapshotAsync(caseId));

        // The link still holds: its page still offers the decision, and the decision without a comment is recorded.
        using (var shown = await fixture.GetLinkAsync(approve))
        {
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        }

        await _town.DecideAsync(caseId, step);
        await _town.WaitStepAsync(caseId, KaramayChain[1], 1);
    }

    /// <summary>The case as the API shows it — the whole view and every event of its timeline — to show a refused request changed nothing.</summary>
    private async Task<string> SnapshotAsync(string caseId)
    {
        var view = await _town.CaseAsync(caseId);
        var timeline = await _town.TimelineAsync(caseId);
        return $"{view.GetRawText()}\n{timeline.Count} events\n{string.Join("\n", timeline.Select(e => e.GetRawText()))}";
    }

    /// <summary>A case whose determination is issued and served today, waiting for a plan.</summary>
    private async Task<string> ServedAsync()
    {
        var caseId = await _town.StartCaseAsync();
        await _town.DetermineAsync(caseId, KaramayChain);
        var today = TimeZoneInfo.ConvertTime(await fixture.NowAsync(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var served = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/service", new { servedOn = today });
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        return caseId;
    }

    private static JsonObject Plan(params JsonObject[] documents) => new()
    {
        ["submissionId"] = "plan-" + Guid.NewGuid().ToString("N"),
        ["newLandUse"] = "industrial",
        ["documents"] = new JsonArray(documents.Select(d => (JsonNode)d).ToArray()),
    };

    private async Task SubmitPlanAsync(string caseId, JsonObject plan)
    {
        using var response = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan);
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("PlanInReview", body.GetProperty("state").GetString());
    }

    private async Task<JsonElement> RecordDocumentAsync(string caseId, string kind, string[] approvedBy)
    {
        using var response = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan/documents", new { kind, approvedBy, failed = false });
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }
}
