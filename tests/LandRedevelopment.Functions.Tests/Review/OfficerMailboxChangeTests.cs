using System.Net;
using System.Text.Json;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Review;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// A decision link goes to a mailbox: when the admin changes an officer's e-mail address, the links mailed to the
/// earlier address stop working and the new address gets fresh links for the steps already waiting on the officer.
/// Each test uses a city of its own, since officers belong to the whole city.
/// </summary>
public sealed class OfficerMailboxChangeTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Links_mailed_to_the_earlier_address_are_refused_and_the_new_address_gets_links_that_decide()
    {
        var karamay = fixture.City("karamay");
        var (caseId, step, mail, officer) = await WaitingAsync(karamay);
        var oldLink = ReviewFixture.Link(mail, "approve");
        var newAddress = $"successor-{Guid.NewGuid():N}@karamay.example.cn";

        var put = await PutOfficerAsync(karamay.Tenant, officer, email: newAddress);
        Assert.True(put.GetProperty("casesWithFreshLinks").GetInt32() >= 1, put.ToString());
        Assert.Equal(JsonValueKind.String, put.GetProperty("emailSince").ValueKind);

        var before = await karamay.SnapshotAsync(caseId);
        foreach (var action in new[] { "approve", "return", "reject" })
        {
            await AssertSentEarlierAsync(ReviewFixture.Link(mail, action));
        }

        Assert.Equal(before, await karamay.SnapshotAsync(caseId));
        Assert.Empty((await karamay.CaseAsync(caseId)).GetProperty("review").GetProperty("decisions").EnumerateArray());

        var fresh = await fixture.MailAsync(caseId, "links-reissued", step, officer.GetProperty("id").GetString());
        Assert.Equal(newAddress, Assert.Single(fresh.To).Address);
        Assert.NotEqual(oldLink, ReviewFixture.Link(fresh, "approve"));

        // Each link names the mailbox it went to, so the change retires the old ones even within the second they were minted.
        Assert.Equal(DecisionClaims.MailboxTag(officer.GetProperty("email").GetString()!), MailboxOf(oldLink));
        Assert.Equal(DecisionClaims.MailboxTag(newAddress), MailboxOf(ReviewFixture.Link(fresh, "approve")));
        var reissued = Assert.Single(await karamay.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "LinksReissued");
        Assert.Equal("admin", reissued.GetProperty("actor").GetString());

        using var decided = await fixture.PostLinkAsync(ReviewFixture.Link(fresh, "approve"), "同意");
        Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        var view = await karamay.CaseAsync(caseId);
        var decision = Assert.Single(view.GetProperty("review").GetProperty("decisions").EnumerateArray());
        Assert.Equal(officer.GetProperty("id").GetString(), decision.GetProperty("officerId").GetString());
    }

    [Fact]
    public async Task A_new_name_alone_keeps_the_links_working_and_mails_nothing()
    {
        var urumqi = fixture.City("urumqi");
        var (caseId, _, mail, officer) = await WaitingAsync(urumqi);

        var put = await PutOfficerAsync(urumqi.Tenant, officer, name: "新任审批人员");
        Assert.Equal(0, put.GetProperty("casesWithFreshLinks").GetInt32());
        Assert.Equal(officer.GetProperty("email").GetString(), put.GetProperty("email").GetString());

        using (var page = await fixture.GetLinkAsync(ReviewFixture.Link(mail, "approve")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var decided = await fixture.PostLinkAsync(ReviewFixture.Link(mail, "approve"), "同意"))
        {
            Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await fixture.MailsAsync(caseId, "links-reissued"));
        Assert.DoesNotContain(await urumqi.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "LinksReissued");
    }

    [Fact]
    public async Task Putting_the_same_new_address_again_in_any_case_of_letters_mails_no_second_time()
    {
        var jiamusi = fixture.City("jiamusi");
        var (caseId, step, mail, officer) = await WaitingAsync(jiamusi);
        var newAddress = $"successor-{Guid.NewGuid():N}@jiamusi.example.cn";

        await PutOfficerAsync(jiamusi.Tenant, officer, email: newAddress);
        var fresh = await fixture.MailAsync(caseId, "links-reissued", step);
        var again = await PutOfficerAsync(jiamusi.Tenant, officer, email: newAddress.ToUpperInvariant());

        Assert.Equal(0, again.GetProperty("casesWithFreshLinks").GetInt32());
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await fixture.MailsAsync(caseId, "links-reissued"));
        Assert.Single(await jiamusi.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "LinksReissued");

        // The address as first changed still holds: the earlier mailbox's links stay refused, the fresh ones work.
        await AssertSentEarlierAsync(ReviewFixture.Link(mail, "approve"));
        using var page = await fixture.GetLinkAsync(ReviewFixture.Link(fresh, "approve"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    /// <summary>
    /// Starts a case and waits for its first decision mail; returns the step (id#attempt), the mail and the officer it
    /// went to as the admin API lists them. The clock then moves on a minute, so a change comes after the mail's links.
    /// </summary>
    private async Task<(string CaseId, string Step, CapturedMail Mail, JsonElement Officer)> WaitingAsync(ReviewCity city)
    {
        var caseId = await city.StartCaseAsync();
        var step = (await city.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("id").GetString() + "#1";
        var mail = await fixture.MailAsync(caseId, "decision-request", step);
        var officerId = mail.Header("x-officer-id");
        using var list = await fixture.App.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{city.Tenant}/officers"));
        var officer = (await SurveyKit.Json(list)).EnumerateArray().Single(o => o.GetProperty("id").GetString() == officerId);
        Assert.Equal(officer.GetProperty("email").GetString(), Assert.Single(mail.To).Address);
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(1));
        return (caseId, step, mail, officer);
    }

    private async Task<JsonElement> PutOfficerAsync(string tenant, JsonElement officer, string? name = null, string? email = null)
    {
        var id = officer.GetProperty("id").GetString();
        using var response = await fixture.App.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/{id}", new
        {
            name = name ?? officer.GetProperty("name").GetString(),
            email = email ?? officer.GetProperty("email").GetString(),
            roles = officer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray(),
        }));
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>The mailbox tag a link's token carries (the payload is readable; only the MAC needs the key).</summary>
    private static string? MailboxOf(string link)
    {
        var payload = ReviewFixture.Token(link).Split('.')[2];
        using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
        return claims.RootElement.GetProperty("m").GetString();
    }

    /// <summary>GET and POST of the link, as a browser and as a JSON client, are refused as sent to an earlier address.</summary>
    private async Task AssertSentEarlierAsync(string link)
    {
        using (var get = await fixture.GetLinkAsync(link))
        {
            Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
            Assert.Equal("text/html", get.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", get.Headers.CacheControl?.ToString());
            Assert.Contains("earlier e-mail address", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var post = await fixture.PostLinkAsync(link, "同意"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Equal("text/html", post.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", post.Headers.CacheControl?.ToString());
        }

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            using var json = await fixture.SendLinkAsJsonAsync(method, link);
            Assert.Equal("no-store", json.Headers.CacheControl?.ToString());
            var problem = await ReviewFixture.AssertProblemAsync(json, HttpStatusCode.Forbidden, "token");
            Assert.Contains("earlier e-mail address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}
