using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Admin;

/// <summary>
/// The built-in cities with sample officers at addresses of this fixture alone (MailDev is shared), and no local timer for
/// the hourly <c>PolicyValidityCheck</c>: the tests invoke it as the Functions host does, after moving the clock.
/// </summary>
public sealed class PolicyNoticeFixture : ReviewFixture
{
    public string MailDomain { get; } = "pv" + Guid.NewGuid().ToString("N")[..8] + ".test";

    protected override IReadOnlyDictionary<string, string?>? AppSettings => new Dictionary<string, string?>
    {
        ["LocalTriggers__Functions__0"] = "CaseSignals",
        ["Seed__SampleEmailDomain"] = MailDomain,
    };
}

/// <summary>
/// 乌鲁木齐's and 佳木斯's pilot plans are valid to 2027-09-30: the policy views say how each source stands, and the
/// city bureau is mailed 90 days ahead, 30 days ahead and once expired — each notice once.
/// </summary>
public sealed class PolicyValidityNoticeTests(PolicyNoticeFixture fixture) : IClassFixture<PolicyNoticeFixture>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public async Task Programme_officers_are_told_before_and_after_a_source_document_ends_and_each_notice_goes_out_once()
    {
        var urumqi = fixture.City("urumqi");
        var today = await AsOfAsync(urumqi);
        var plan = await SourceAsync(urumqi, "乌鲁木齐");
        Assert.Equal(("InForce", new DateOnly(2027, 9, 30).DayNumber - today.DayNumber), (plan.GetProperty("state").GetString(), plan.GetProperty("daysLeft").GetInt32()));
        Assert.Equal(0, await CheckAsync()); // nothing ends within 90 days yet

        // 90 days before the last valid day, in Beijing: the city bureaus of both cities are told, once.
        await fixture.AdvancePastAsync(new DateTimeOffset(2027, 7, 2, 9, 0, 0, Beijing));
        Assert.Equal(2, await CheckAsync());
        Assert.Equal(0, await CheckAsync());
        var first = await NoticeAsync("urumqi", "ends-in-90-days");
        Assert.Contains("剩余 90 天", first.Subject, StringComparison.Ordinal);
        Assert.StartsWith("city-bureau@urumqi.", first.To[0].Address, StringComparison.Ordinal);
        await NoticeAsync("jiamusi", "ends-in-90-days");
        plan = await SourceAsync(urumqi, "乌鲁木齐");
        Assert.Equal(("EndingSoon", 90), (plan.GetProperty("state").GetString(), plan.GetProperty("daysLeft").GetInt32()));

        // The day after the last valid day: the 30-day notice was never sent on its day, so only the expiry goes out.
        await fixture.AdvancePastAsync(new DateTimeOffset(2027, 10, 1, 9, 0, 0, Beijing));
        Assert.Equal(2, await CheckAsync());
        Assert.Contains("已过有效期", (await NoticeAsync("urumqi", "expired")).Subject, StringComparison.Ordinal);
        Assert.Empty(await NoticesAsync("urumqi", "ends-in-30-days"));
        Assert.Equal("Expired", (await SourceAsync(urumqi, "乌鲁木齐")).GetProperty("state").GetString());

        // The city extends its plan by a year: the new policy version's view says so, and nothing is due for it.
        var extended = JsonNode.Parse(LandRedevelopment.Policies.SeedPolicies.Get("urumqi").Json)!.AsObject();
        extended["sources"]![0]!["validUntil"] = "2028-09-30";
        using (var put = await fixture.App.Http.SendAsync(fixture.Admin(HttpMethod.Put, "api/admin/tenants/urumqi/policy", extended)))
        {
            var body = await SurveyKit.Json(put);
            Assert.True(put.StatusCode == HttpStatusCode.Created, body.ToString());
            var source = body.GetProperty("validity").GetProperty("sources")[0];
            Assert.Equal(("InForce", 365), (source.GetProperty("state").GetString(), source.GetProperty("daysLeft").GetInt32()));
        }

        Assert.Equal(0, await CheckAsync());
        Assert.Single(await NoticesAsync("urumqi", "expired"));
    }

    private static async Task<DateOnly> AsOfAsync(ReviewCity city)
    {
        using var response = await city.SendAsync(HttpMethod.Get, "policy");
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return DateOnly.Parse(body.GetProperty("validity").GetProperty("asOf").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> SourceAsync(ReviewCity city, string id)
    {
        using var response = await city.SendAsync(HttpMethod.Get, "policy");
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("validity").GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
    }

    /// <summary>Invokes the check as the Functions host does; how many notices it says it mailed.</summary>
    private async Task<int> CheckAsync()
    {
        var envelope = new { Data = new { check = new { Schedule = new { AdjustForDST = true }, IsPastDue = false } }, Metadata = new { } };
        using var response = await fixture.App.Http.PostAsJsonAsync("PolicyValidityCheck", envelope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var logs = doc.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.DoesNotContain(logs, l => l.StartsWith("Left for the next check", StringComparison.Ordinal));
        var first = logs[0];
        return int.Parse(first["Policy validity check: ".Length..first.IndexOf(' ', "Policy validity check: ".Length)], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<CapturedMail>> NoticesAsync(string tenant, string notice) =>
        (await fixture.MailDev.MessagesAsync()).Where(m => m.Header("x-tenant-id") == tenant && m.Header("x-policy-notice") == notice
            && m.To.Any(t => t.Address.EndsWith("." + fixture.MailDomain, StringComparison.Ordinal))).ToList();

    private Task<CapturedMail> NoticeAsync(string tenant, string notice) =>
        fixture.MailDev.WaitForAsync(m => m.Header("x-tenant-id") == tenant && m.Header("x-policy-notice") == notice
            && m.To.Any(t => t.Address.EndsWith("." + fixture.MailDomain, StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
}
