using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// Decision links that must not decide: altered, spliced across cities, malformed, expired or for a visit the case
/// has left. Each is refused with its status (HTML for browsers, problem+json naming <c>token</c> for JSON clients)
/// and the case does not move.
/// </summary>
public sealed class ReviewLinkSecurityTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string First = "district-investigation";

    private readonly ReviewCity _karamay = fixture.City("karamay");

    [Fact]
    public async Task A_client_that_asks_for_json_gets_the_recorded_decision_as_json_and_a_repeat_as_a_problem()
    {
        var (caseId, mail) = await StartAsync(_karamay);

        using (var decided = await fixture.SendLinkAsJsonAsync(HttpMethod.Post, ReviewFixture.Link(mail, "approve"), "材料齐全"))
        {
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
            Assert.Equal("application/json", decided.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", decided.Headers.CacheControl?.ToString());
            var body = JsonDocument.Parse(await decided.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal((caseId, First, 1, "approve", "材料齐全"), (body.GetProperty("caseId").GetString(), body.GetProperty("stepId").GetString(),
                body.GetProperty("attempt").GetInt32(), body.GetProperty("action").GetString(), body.GetProperty("comment").GetString()));
        }

        using var repeat = await fixture.SendLinkAsJsonAsync(HttpMethod.Post, ReviewFixture.Link(mail, "approve"));
        await ReviewFixture.AssertProblemAsync(repeat, HttpStatusCode.Conflict, "token");
    }

    [Fact]
    public async Task A_link_with_one_character_of_its_signature_changed_is_forbidden()
    {
        var (caseId, mail) = await StartAsync(_karamay);
        var link = ReviewFixture.Link(mail, "approve");
        var forged = ReplaceAt(link, link.Length - 5);

        await AssertRefusedAsync(_karamay, caseId, forged, HttpStatusCode.Forbidden);

        // The genuine link still works: the refusal was the signature, not the case.
        using var page = await fixture.GetLinkAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_link_whose_payload_comes_from_another_citys_link_is_refused()
    {
        var urumqi = fixture.City("urumqi");
        var (karamayCase, karamayMail) = await StartAsync(_karamay);
        var (urumqiCase, urumqiMail) = await StartAsync(urumqi);
        var k = ReviewFixture.Token(ReviewFixture.Link(karamayMail, "approve")).Split('.');
        var u = ReviewFixture.Token(ReviewFixture.Link(urumqiMail, "approve")).Split('.');
        Assert.Equal(4, k.Length);
        Assert.Equal(4, u.Length);

        var urumqiBefore = await urumqi.SnapshotAsync(urumqiCase);
        // Karamay's key id and signature around urumqi's claims, and the other way round.
        await AssertRefusedAsync(_karamay, karamayCase, string.Join('.', k[0], k[1], u[2], k[3]), HttpStatusCode.Forbidden);
        await AssertRefusedAsync(_karamay, karamayCase, string.Join('.', u[0], u[1], k[2], u[3]), HttpStatusCode.Forbidden);
        await AssertRefusedAsync(_karamay, karamayCase, string.Join('.', k[0], u[1], u[2], k[3]), HttpStatusCode.Forbidden);
        Assert.Equal(urumqiBefore, await urumqi.SnapshotAsync(urumqiCase));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("v1.abc.def")]
    [InlineData("v1.k.%21%21%21.abc")]
    [InlineData("v2.kid.eyJ0IjoieCJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_token_is_a_bad_request(string token)
    {
        using var get = await fixture.App.Http.GetAsync("api/review/" + token);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("text/html", get.Content.Headers.ContentType?.MediaType);
        using var post = await fixture.PostLinkAsync(token, "同意");
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            using var json = await fixture.SendLinkAsJsonAsync(method, token);
            await ReviewFixture.AssertProblemAsync(json, HttpStatusCode.BadRequest, "token");
        }
    }

    [Fact]
    public async Task A_link_expires_30_days_after_its_steps_deadline()
    {
        var (caseId, mail) = await StartAsync(_karamay);
        var dueAt = (await _karamay.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("dueAt").GetDateTimeOffset();

        // Still valid within the 30 days' grace after the deadline (the step is overdue by then).
        await fixture.AdvancePastAsync(dueAt + TimeSpan.FromDays(29));
        await fixture.MailAsync(caseId, "overdue", First + "#1");
        using (var page = await fixture.GetLinkAsync(ReviewFixture.Link(mail, "approve")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // Past the grace: the weekly reminders of the overdue step (days 7, 14, 21 and 28) have come first, with links of their own.
        await fixture.AdvancePastAsync(dueAt + TimeSpan.FromDays(31));
        await _karamay.WaitEventsAsync(caseId, "OverdueReminderRaised", 4);

        await AssertRefusedAsync(_karamay, caseId, ReviewFixture.Link(mail, "approve"), HttpStatusCode.Gone);
        await AssertRefusedAsync(_karamay, caseId, ReviewFixture.Link(mail, "reject"), HttpStatusCode.Gone);
        Assert.Empty((await _karamay.CaseAsync(caseId)).GetProperty("review").GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task A_link_of_a_visit_the_case_has_left_is_a_conflict()
    {
        var (caseId, mail) = await StartAsync(_karamay);
        await _karamay.ReturnAsync(caseId, First + "#1", "请补充权属材料");
        using (var resubmitted = await _karamay.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", new { submissionId = "resub-" + Guid.NewGuid().ToString("N"), comment = "已补充" }))
        {
            Assert.Equal(HttpStatusCode.OK, resubmitted.StatusCode);
        }

        await _karamay.WaitStepAsync(caseId, First, 2);
        await fixture.MailAsync(caseId, "decision-request", First + "#2");

        // The first visit's approve link: that visit ended with the return, the case is at the second.
        await AssertRefusedAsync(_karamay, caseId, ReviewFixture.Link(mail, "approve"), HttpStatusCode.Conflict, getStatus: HttpStatusCode.OK);
        var view = await _karamay.CaseAsync(caseId);
        Assert.Equal("InReview", view.GetProperty("state").GetString());
        Assert.Equal(2, view.GetProperty("review").GetProperty("currentStep").GetProperty("attempt").GetInt32());
        Assert.DoesNotContain(await _karamay.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "StepApproved");
    }

    [Fact]
    public async Task The_confirmation_form_posts_back_to_the_link_itself_wherever_the_service_is_published()
    {
        var (_, mail) = await StartAsync(_karamay);
        var link = ReviewFixture.Link(mail, "approve");
        var token = ReviewFixture.Token(link);
        using var page = await fixture.GetLinkAsync(link);
        var action = WebUtility.HtmlDecode(Regex.Match(await page.Content.ReadAsStringAsync(), "<form[^>]* action=\"([^\"]*)\"").Groups[1].Value);

        // Behind a gateway that publishes the service under a path of its own, the form still posts to the link.
        var published = new Uri($"https://gateway.example.gov.cn/land-redevelopment/api/review/{token}");
        Assert.Equal(published, new Uri(published, action));

        // On the app's own address, what a browser posts from the page decides.
        var opened = new Uri(fixture.App.Http.BaseAddress!, "api/review/" + token);
        using var posted = await fixture.App.Http.PostAsync(new Uri(opened, action), new FormUrlEncodedContent([new("comment", "同意")]));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    [Fact]
    public async Task The_confirmation_page_lists_the_uploaded_evidence_by_name()
    {
        var photo = SurveyKit.Jpeg(3000, seed: 71);
        var report = SurveyKit.Pdf(5000, seed: 72);
        var caseId = await _karamay.SubmitAsync(null, SurveyKit.Declare("north-gate.jpg", photo, "image/jpeg"), SurveyKit.Declare("site-report.pdf", report, "application/pdf"));
        foreach (var (name, bytes, type) in new[] { ("north-gate.jpg", photo, "image/jpeg"), ("site-report.pdf", report, "application/pdf") })
        {
            using var upload = await _karamay.PutEvidenceAsync(caseId, name, bytes, type);
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        await _karamay.WaitStateAsync(caseId, "InReview");
        var mail = await fixture.MailAsync(caseId, "decision-request", First + "#1");
        using var page = await fixture.GetLinkAsync(ReviewFixture.Link(mail, "approve"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("north-gate.jpg", html);
        Assert.Contains("site-report.pdf", html);
        Assert.DoesNotContain("No evidence filed", html);
    }

    [Fact]
    public async Task A_decision_whose_form_arrives_after_its_key_was_retired_is_refused_and_records_nothing()
    {
        // A city of its own in this class: retiring its key at once breaks every link it has mailed.
        var jiamusi = fixture.City("jiamusi");
        var (caseId, mail) = await StartAsync(jiamusi);
        var link = ReviewFixture.Link(mail, "approve");
        var before = await jiamusi.SnapshotAsync(caseId);

        // The form's first bytes go out; the rest waits until the key has been rotated without overlap.
        var body = System.Text.Encoding.ASCII.GetBytes("comment=" + Uri.EscapeDataString("同意，材料齐全"));
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = new HeldContent(body, 8, rest.Task);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var posting = fixture.App.Http.PostAsync("api/review/" + ReviewFixture.Token(link), content);

        // Time for the app to take the request and check the link as it stood.
        await Task.Delay(TimeSpan.FromSeconds(1));
        using (var rotated = await fixture.App.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants/jiamusi/signing-keys/rotations", new { overlapHours = 0 })))
        {
            Assert.True(rotated.IsSuccessStatusCode, await rotated.Content.ReadAsStringAsync());
        }

        rest.SetResult();
        using var post = await posting;
        Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        Assert.Contains("retired", await post.Content.ReadAsStringAsync());
        using (var get = await fixture.GetLinkAsync(link))
        {
            Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        }

        Assert.Equal(before, await jiamusi.SnapshotAsync(caseId));
    }

    /// <summary>A body whose first <c>held</c> bytes are sent (and flushed) at once and the rest once <c>release</c> completes.</summary>
    private sealed class HeldContent(byte[] bytes, int held, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, held));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(bytes.AsMemory(held));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    private async Task<(string CaseId, CapturedMail Mail)> StartAsync(ReviewCity city)
    {
        var caseId = await city.StartCaseAsync();
        var first = (await city.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("id").GetString();
        return (caseId, await fixture.MailAsync(caseId, "decision-request", first + "#1"));
    }

    /// <summary>
    /// GET and POST of <paramref name="link"/> (as a browser with a comment, and as a JSON client) are refused with
    /// <paramref name="status"/> (GET with <paramref name="getStatus"/> when it differs), and the case does not change.
    /// </summary>
    private async Task AssertRefusedAsync(ReviewCity city, string caseId, string link, HttpStatusCode status, HttpStatusCode? getStatus = null)
    {
        var before = await city.SnapshotAsync(caseId);
        using (var get = await fixture.GetLinkAsync(link))
        {
            Assert.Equal(getStatus ?? status, get.StatusCode);
            Assert.Equal("text/html", get.Content.Headers.ContentType?.MediaType);
        }

        using (var post = await fixture.PostLinkAsync(link, "同意"))
        {
            Assert.Equal(status, post.StatusCode);
            Assert.Equal("text/html", post.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", post.Headers.CacheControl?.ToString());
        }

        using (var json = await fixture.SendLinkAsJsonAsync(HttpMethod.Post, link))
        {
            await AssertTokenKeptOutAsync(json, link, status);
        }

        if (getStatus is null)
        {
            using var json = await fixture.SendLinkAsJsonAsync(HttpMethod.Get, link);
            await AssertTokenKeptOutAsync(json, link, status);
        }

        Assert.Equal(before, await city.SnapshotAsync(caseId));
    }

    /// <summary>A refusal as problem+json naming <c>token</c>: neither cached nor echoing the token.</summary>
    private static async Task AssertTokenKeptOutAsync(HttpResponseMessage json, string link, HttpStatusCode status)
    {
        var problem = await ReviewFixture.AssertProblemAsync(json, status, "token");
        Assert.DoesNotContain(ReviewFixture.Token(link), problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("/api/review/…", problem.GetProperty("instance").GetString());
        Assert.Equal("no-store", json.Headers.CacheControl?.ToString());
    }

    private static string ReplaceAt(string text, int index) =>
        text[..index] + (text[index] == 'A' ? 'B' : 'A') + text[(index + 1)..];
}
