using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>Returning a case for rework through a mailed link, and the land user's resubmission (克拉玛依).</summary>
public sealed class ReviewReworkTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string First = "district-investigation";
    private const string Second = "district-government-confirmation";
    private const string Third = "city-bureau-review";

    private readonly ReviewCity _town = fixture.City("karamay");

    [Fact]
    public async Task A_return_needs_a_comment_and_a_resubmission_with_evidence_resumes_the_same_step_once_uploaded()
    {
        var caseId = await _town.StartPastFirstStepAsync(First);
        var mail = await fixture.MailAsync(caseId, "decision-request", Second + "#1");
        await _town.WaitStepAsync(caseId, Second, 1);

        // Without a comment the return is refused and nothing is recorded.
        var before = await _town.SnapshotAsync(caseId);
        using (var bare = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "return")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        }

        using (var blank = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "return"), "   "))
        {
            Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        }

        Assert.Equal(before, await _town.SnapshotAsync(caseId));
        Assert.Equal("InReview", (await _town.CaseAsync(caseId)).GetProperty("state").GetString());

        // With one it is returned, the step's officer is told, and the view shows the decision.
        using (var returned = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "return"), "缺少现场照片，请补充"))
        {
            Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        }

        var view = await _town.WaitStateAsync(caseId, "ReturnedForRework");
        var decision = view.GetProperty("review").GetProperty("decisions").EnumerateArray().Last();
        Assert.Equal(Second, decision.GetProperty("stepId").GetString());
        Assert.Equal(1, decision.GetProperty("attempt").GetInt32());
        Assert.Equal("return", decision.GetProperty("action").GetString());
        Assert.Equal("district-government", decision.GetProperty("officerId").GetString());
        Assert.Equal("缺少现场照片，请补充", decision.GetProperty("comment").GetString());
        Assert.False(view.GetProperty("review").GetProperty("resubmissionPending").GetBoolean());
        var notice = await fixture.MailAsync(caseId, "returned", officer: "district-government");
        Assert.Contains("缺少现场照片，请补充", notice.Text);

        // The step's other links are spent.
        before = await _town.SnapshotAsync(caseId);
        using (var late = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "approve")))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        }

        Assert.Equal(before, await _town.SnapshotAsync(caseId));

        // The resubmission declares a new photo: the review waits for it.
        var photo = SurveyKit.Jpeg(4096, seed: 41);
        var body = Resubmission("resub-" + Guid.NewGuid().ToString("N"), "已补充现场照片", SurveyKit.Declare("site-photo-2.jpg", photo, "image/jpeg"));
        var pending = await ResubmitAsync(caseId, body);
        Assert.Equal("ReturnedForRework", pending.GetProperty("state").GetString());
        Assert.True(pending.GetProperty("review").GetProperty("resubmissionPending").GetBoolean());

        var repeat = await ResubmitAsync(caseId, body);
        Assert.Equal("ReturnedForRework", repeat.GetProperty("state").GetString());
        Assert.True(repeat.GetProperty("review").GetProperty("resubmissionPending").GetBoolean());

        var altered = body.DeepClone().AsObject();
        altered["comment"] = "另一份说明";
        before = await _town.SnapshotAsync(caseId);
        using (var conflict = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", altered))
        {
            await ReviewFixture.AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        }

        Assert.Equal(before, await _town.SnapshotAsync(caseId));
        Assert.Single(await _town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "ResubmissionReceived");

        // A late copy of the survey's evidence-complete signal (queues deliver at least once) does not resume the review
        // while the resubmission's own photo is still missing.
        before = await _town.SnapshotAsync(caseId);
        await SignalEvidenceCompleteAsync(caseId);
        Assert.Equal(before, await _town.SnapshotAsync(caseId));
        Assert.True((await _town.CaseAsync(caseId)).GetProperty("review").GetProperty("resubmissionPending").GetBoolean());

        // Uploading the file resumes the review at the step that returned it, as its second visit.
        using (var upload = await _town.PutEvidenceAsync(caseId, "site-photo-2.jpg", photo, "image/jpeg"))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        var again = await fixture.MailAsync(caseId, "decision-request", Second + "#2", "district-government");
        view = await _town.WaitStepAsync(caseId, Second, 2);
        Assert.Equal("InReview", view.GetProperty("state").GetString());
        Assert.False(view.GetProperty("review").GetProperty("resubmissionPending").GetBoolean());

        using (var approved = await fixture.PostLinkAsync(ReviewFixture.Link(again, "approve"), "材料齐全"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        await fixture.MailAsync(caseId, "decision-request", Third + "#1");
        view = await _town.WaitStepAsync(caseId, Third, 1);
        var approvals = view.GetProperty("review").GetProperty("decisions").EnumerateArray()
            .Select(d => $"{d.GetProperty("stepId").GetString()}#{d.GetProperty("attempt").GetInt32()}:{d.GetProperty("action").GetString()}");
        Assert.Equal([First + "#1:approve", Second + "#1:return", Second + "#2:approve"], approvals);
    }

    [Fact]
    public async Task A_resubmission_without_evidence_resumes_at_once()
    {
        var caseId = await _town.StartPastFirstStepAsync(First);
        await _town.ReturnAsync(caseId, Second + "#1");

        var view = await ResubmitAsync(caseId, Resubmission("resub-" + Guid.NewGuid().ToString("N"), "已按意见说明情况"));
        Assert.Equal("InReview", view.GetProperty("state").GetString());
        Assert.False(view.GetProperty("review").GetProperty("resubmissionPending").GetBoolean());
        var step = view.GetProperty("review").GetProperty("currentStep");
        Assert.Equal(Second, step.GetProperty("id").GetString());
        Assert.Equal(2, step.GetProperty("attempt").GetInt32());

        await fixture.MailAsync(caseId, "decision-request", Second + "#2", "district-government");
        var timeline = await _town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ResubmissionReceived");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ReworkResubmitted");
    }

    [Fact]
    public async Task A_case_in_review_cannot_be_resubmitted()
    {
        var caseId = await _town.StartCaseAsync();
        var before = await _town.SnapshotAsync(caseId);

        var photo = SurveyKit.Jpeg(2048, seed: 43);
        foreach (var body in new[]
        {
            Resubmission("resub-" + Guid.NewGuid().ToString("N"), "无须补充"),
            Resubmission("resub-" + Guid.NewGuid().ToString("N"), "补充照片", SurveyKit.Declare("extra.jpg", photo, "image/jpeg")),
        })
        {
            using var response = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", body);
            var problem = await ReviewFixture.AssertProblemAsync(response, HttpStatusCode.Conflict);
            Assert.Equal("InReview", problem.GetProperty("state").GetString());
        }

        Assert.Equal(before, await _town.SnapshotAsync(caseId));
        Assert.Empty(await fixture.MailsAsync(caseId, "returned"));
    }

    [Fact]
    public async Task A_resubmission_whose_first_try_died_after_its_claim_is_done_by_a_repeat_once_the_claim_is_stale()
    {
        var caseId = await _town.StartPastFirstStepAsync(First);
        await _town.ReturnAsync(caseId, Second + "#1");
        var body = Resubmission("resub-" + Guid.NewGuid().ToString("N"), "已按意见说明情况");

        // A first try that claimed the submission id just now and is still running: a repeat is told so and changes nothing.
        var now = await fixture.NowAsync();
        await ClaimAsAFirstTryAsync(caseId, body, now);
        var before = await _town.SnapshotAsync(caseId);
        using (var running = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", body))
        {
            var problem = await ReviewFixture.AssertProblemAsync(running, HttpStatusCode.Conflict);
            Assert.EndsWith("submission-in-progress", problem.GetProperty("type").GetString());
        }

        Assert.Equal(before, await _town.SnapshotAsync(caseId));

        // The first try died after its claim and recorded nothing: once the claim is older than the grace, the repeat does the work.
        await ClaimAsAFirstTryAsync(caseId, body, now - TimeSpan.FromMinutes(5));
        var view = await ResubmitAsync(caseId, body);
        Assert.Equal("InReview", view.GetProperty("state").GetString());
        Assert.Equal(2, view.GetProperty("review").GetProperty("currentStep").GetProperty("attempt").GetInt32());

        // And a further repeat gets the recorded case.
        var again = await ResubmitAsync(caseId, body);
        Assert.Equal("InReview", again.GetProperty("state").GetString());
        var timeline = await _town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ResubmissionReceived");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ReworkResubmitted");
    }

    /// <summary>Writes the submission id's claim as a first try makes it before its work (claimed at <paramref name="at"/>).</summary>
    private async Task ClaimAsAFirstTryAsync(string caseId, JsonObject body, DateTimeOffset at)
    {
        var submissions = new LandRedevelopment.Storage.Tables.TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("submissions");
        await submissions.UpsertEntityAsync(new LandRedevelopment.Storage.Tables.TableEntity(_town.Tenant, $"{caseId}|resubmission|{body["submissionId"]}")
        {
            ["ContentHash"] = LandRedevelopment.Cases.CanonicalJson.Sha256(JsonSerializer.SerializeToElement(body)),
            ["CaseId"] = caseId,
            ["CreatedAt"] = at,
        }, LandRedevelopment.Storage.Tables.TableUpdateMode.Replace);
    }

    /// <summary>Puts an evidence-complete signal for the case on the queue as the outbox relay does, and waits until the app has taken it off.</summary>
    private async Task SignalEvidenceCompleteAsync(string caseId)
    {
        var queue = new LandRedevelopment.Storage.Queues.QueueServiceClient(fixture.Azurite.ConnectionString,
            new LandRedevelopment.Storage.Queues.QueueClientOptions { MessageEncoding = LandRedevelopment.Storage.Queues.QueueMessageEncoding.Base64 })
            .GetQueueClient(LandRedevelopment.Cases.CaseSignals.QueueName);
        await queue.SendMessageAsync(JsonSerializer.Serialize(
            new LandRedevelopment.Cases.CaseSignal(_town.Tenant, caseId, LandRedevelopment.Cases.CaseSignals.EvidenceCompleteKind, 1), JsonSerializerOptions.Web));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The app did not take the case signal off its queue within 30 s.");
            await Task.Delay(100);
        }
    }

    private static JsonObject Resubmission(string submissionId, string comment, params JsonObject[] evidence) => new()
    {
        ["submissionId"] = submissionId,
        ["comment"] = comment,
        ["evidence"] = new JsonArray(evidence.Select(e => (JsonNode)e).ToArray()),
    };

    private async Task<JsonElement> ResubmitAsync(string caseId, JsonObject body)
    {
        using var response = await _town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", body);
        var view = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, view.ToString());
        return view;
    }
}
