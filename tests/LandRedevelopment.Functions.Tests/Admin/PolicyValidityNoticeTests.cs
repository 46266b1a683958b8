using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Admin;

/// <summary>
/// The review fixture without a local timer for the hourly <c>PolicyValidityCheck</c>: the tests invoke it as the Functions
/// host does, after moving the clock.
/// </summary>
public sealed class PolicyNoticeFixture : ReviewFixture
{
    protected override IReadOnlyDictionary<string, string?>? AppSettings => new Dictionary<string, string?>
    {
        ["LocalTriggers__Functions__0"] = "CaseSignals",
    };
}

/// <summary>
/// A city whose pilot plan is valid for a term (as 乌鲁木齐's and 佳木斯's are, to 2027-09-30): the policy views say how
/// each source stands, and the city bureau is mailed 90 days ahead, 30 days ahead and once expired — each notice once.
/// The city is onboarded with dates counted from the service's clock, so the test holds whatever day it runs on.
/// </summary>
public sealed class PolicyValidityNoticeTests(PolicyNoticeFixture fixture) : IClassFixture<PolicyNoticeFixture>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task Programme_officers_are_told_before_and_after_a_source_document_ends_and_each_notice_goes_out_once()
    {
        var tenant = "pilot-" + Guid.NewGuid().ToString("N")[..8];
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(await fixture.NowAsync(), Shanghai).DateTime);
        var policy = JsonNode.Parse(LandRedevelopment.Policies.SeedPolicies.Get("urumqi").Json)!.AsObject();
        policy["sources"]![0]!["inForce"] = Day(today.AddDays(-10));
        policy["sources"]![0]!["validUntil"] = Day(today.AddDays(100));
        await AdminAsync(HttpMethod.Post, "api/admin/tenants", new { id = tenant, displayName = "试点市", timeZone = "Asia/Shanghai", policy }, HttpStatusCode.Created);
        await AdminAsync(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/zhang.wei",
            new { name = "张伟", email = $"zhang.wei@{tenant}.example.cn", roles = new[] { "city-bureau" } }, HttpStatusCode.OK);
        await AdminAsync(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/li.na",
            new { name = "李娜", email = $"li.na@{tenant}.example.cn", roles = new[] { "district-government:天山区" } }, HttpStatusCode.OK);
        foreach (var year in Enumerable.Range(today.Year, 3))
        {
            await LoadCalendarAsync(tenant, year); // every year the test's days need: no calendar notice among these
        }

        var plan = await SourceAsync(tenant);
        Assert.Equal(("InForce", 100), (plan.GetProperty("state").GetString(), plan.GetProperty("daysLeft").GetInt32()));
        await CheckAsync();
        Assert.Empty(await NoticesAsync(tenant));

        // 90 days before the last valid day the city bureau is told (not the district), once however often the check runs.
        await fixture.AdvanceAsync(TimeSpan.FromDays(10));
        await CheckAsync();
        await CheckAsync();
        var first = Assert.Single(await NoticesAsync(tenant));
        Assert.Equal(("ends-in-90-days", $"zhang.wei@{tenant}.example.cn"), (first.Header("x-policy-notice"), first.To[0].Address));
        Assert.Contains("剩余 90 天", first.Subject, StringComparison.Ordinal);
        plan = await SourceAsync(tenant);
        Assert.Equal(("EndingSoon", 90), (plan.GetProperty("state").GetString(), plan.GetProperty("daysLeft").GetInt32()));

        // 29 days before: the 30-day notice. Two days after the end: only the expiry goes out.
        await fixture.AdvanceAsync(TimeSpan.FromDays(61));
        await CheckAsync();
        await fixture.AdvanceAsync(TimeSpan.FromDays(31));
        await CheckAsync();
        await CheckAsync();
        Assert.Equal(["ends-in-30-days", "ends-in-90-days", "expired"], (await NoticesAsync(tenant)).Select(m => m.Header("x-policy-notice")!).Order(StringComparer.Ordinal));
        Assert.Equal("Expired", (await SourceAsync(tenant)).GetProperty("state").GetString());

        // The city extends its plan by a year: the new version's view says so, and nothing is due for it yet.
        policy["sources"]![0]!["validUntil"] = Day(today.AddDays(465));
        var put = await AdminAsync(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", policy, HttpStatusCode.Created);
        var extended = put.GetProperty("validity").GetProperty("sources")[0];
        Assert.Equal(("InForce", 363), (extended.GetProperty("state").GetString(), extended.GetProperty("daysLeft").GetInt32()));
        await CheckAsync();
        Assert.Equal(3, (await NoticesAsync(tenant)).Count);
    }

    [Fact]
    public async Task A_city_without_this_years_holiday_calendar_is_told_once_and_loading_it_ends_the_matter()
    {
        var tenant = "nocal-" + Guid.NewGuid().ToString("N")[..8];
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(await fixture.NowAsync(), Shanghai).DateTime);
        await AdminAsync(HttpMethod.Post, "api/admin/tenants", new { id = tenant, displayName = "无历市", timeZone = "Asia/Shanghai", policy = JsonNode.Parse(LandRedevelopment.Policies.SeedPolicies.Get("karamay").Json) }, HttpStatusCode.Created);
        await AdminAsync(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/zhao.lei",
            new { name = "赵磊", email = $"zhao.lei@{tenant}.example.cn", roles = new[] { "city-bureau" } }, HttpStatusCode.OK);
        if (today.Month == 12)
        {
            await LoadCalendarAsync(tenant, today.Year + 1); // in December next year's is due too; this test is about this year's
        }

        await CheckAsync();
        await CheckAsync();
        var notice = Assert.Single(await NoticesAsync(tenant));
        Assert.Equal("calendar-missing", notice.Header("x-policy-notice"));
        Assert.Equal($"[无历市] 尚未载入{today.Year}年节假日安排", notice.Subject);
        Assert.Contains($"PUT /api/admin/tenants/{tenant}/calendars/{today.Year}", notice.Text, StringComparison.Ordinal);

        await LoadCalendarAsync(tenant, today.Year);
        await CheckAsync();
        Assert.Single(await NoticesAsync(tenant));
    }

    private async Task LoadCalendarAsync(string tenant, int year) =>
        await AdminAsync(HttpMethod.Put, $"api/admin/tenants/{tenant}/calendars/{year}", new { holidays = Array.Empty<string>(), workingDays = Array.Empty<string>(), source = "测试" }, HttpStatusCode.OK);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<JsonElement> AdminAsync(HttpMethod method, string path, object body, HttpStatusCode expected)
    {
        using var response = await fixture.App.Http.SendAsync(fixture.Admin(method, path, body));
        var json = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == expected, json.ToString());
        return json;
    }

    private async Task<JsonElement> SourceAsync(string tenant)
    {
        using var response = await fixture.App.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy"));
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("validity").GetProperty("sources")[0];
    }

    /// <summary>Invokes the check as the Functions host does, and asserts that it failed nowhere.</summary>
    private async Task CheckAsync()
    {
        var envelope = new { Data = new { check = new { Schedule = new { AdjustForDST = true }, IsPastDue = false } }, Metadata = new { } };
        using var response = await fixture.App.Http.PostAsJsonAsync("PolicyValidityCheck", envelope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var logs = doc.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.StartsWith("Policy validity check: ", logs[0], StringComparison.Ordinal);
        Assert.DoesNotContain(logs, l => l.StartsWith("Left for the next check", StringComparison.Ordinal));
    }

    /// <summary>The tenant's policy notices MailDev holds (the check hands each over before it returns).</summary>
    private async Task<List<CapturedMail>> NoticesAsync(string tenant) =>
        (await fixture.MailDev.MessagesAsync()).Where(m => m.Header("x-tenant-id") == tenant && m.Header("x-policy-notice") is not null).ToList();
}
