using LandRedevelopment.Functions.Admin;
using System.Net;
using System.Text.Json;

namespace LandRedevelopment.Functions.Tests.Admin;

public class TenantResourcesAdminTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<HttpStatusCode> FieldStatus(string tenant, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/t/{tenant}/policy");
        request.Headers.Add("X-Api-Key", key);
        using var response = await fixture.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Officers_are_created_replaced_and_listed_with_their_roles()
    {
        var (tenant, _) = await fixture.OnboardAsync();

        using var put = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/wang.li",
            new { name = "王立", email = "wang.li@district.example.cn", roles = new[] { "district-bureau:克拉玛依区" } }));
        using var replace = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/wang.li",
            new { name = "王立", email = "wang.li@city.example.cn", roles = new[] { "city-bureau", "district-bureau:克拉玛依区" } }));
        using var list = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/officers"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replace.StatusCode);
        var officer = Assert.Single((await Json(list)).EnumerateArray());
        Assert.Equal("wang.li", officer.GetProperty("id").GetString());
        Assert.Equal("wang.li@city.example.cn", officer.GetProperty("email").GetString());
        Assert.Equal(["city-bureau", "district-bureau:克拉玛依区"], officer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Theory]
    [InlineData("ok", """{ "name": "x", "email": "not-an-address", "roles": ["city-bureau"] }""", "$.email")]
    [InlineData("ok", """{ "name": "x", "email": "a@b.cn", "roles": [] , "boss": true }""", "$.boss")]
    [InlineData("ok", """{ "name": "x", "email": "a@b.cn", "roles": ["city bureau"] }""", "$.roles[0]")]
    [InlineData("ok", """{ "email": "a@b.cn", "roles": ["city-bureau"] }""", "$.name")]
    [InlineData("-bad", """{ "name": "x", "email": "a@b.cn", "roles": ["city-bureau"] }""", "officerId")]
    public async Task A_bad_officer_is_400_naming_the_field_and_changes_nothing(string officerId, string body, string path)
    {
        var (tenant, _) = await fixture.OnboardAsync();
        using var request = fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/{officerId}");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await fixture.Http.SendAsync(request);
        using var list = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/officers"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(path, (await Json(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        Assert.Equal(0, (await Json(list)).GetArrayLength());
    }

    [Fact]
    public async Task Api_keys_are_created_shown_once_listed_by_prefix_and_revoked()
    {
        var (tenant, firstKey) = await fixture.OnboardAsync();

        using var created = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, $"api/admin/tenants/{tenant}/keys", new { label = "tablet 7" }));
        var body = await Json(created);
        var key = body.GetProperty("apiKey").GetString()!;
        var prefix = body.GetProperty("key").GetProperty("prefix").GetString()!;
        using var list = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/keys"));
        var listed = await list.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await FieldStatus(tenant, key));
        Assert.Contains(prefix, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(firstKey, listed, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(listed).RootElement.GetArrayLength());

        using var revoke = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Delete, $"api/admin/tenants/{tenant}/keys/{prefix}"));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.True((await Json(revoke)).TryGetProperty("revokedAt", out var revokedAt) && revokedAt.ValueKind == JsonValueKind.String);
        Assert.Equal(HttpStatusCode.Unauthorized, await FieldStatus(tenant, key));
        Assert.Equal(HttpStatusCode.OK, await FieldStatus(tenant, firstKey));

        using var unknown = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Delete, $"api/admin/tenants/{tenant}/keys/zzzzzzzzzz"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Rotating_the_signing_key_keeps_the_old_key_valid_for_the_overlap_only()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        using var before = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/signing-keys"));
        var original = Assert.Single((await Json(before)).GetProperty("keys").EnumerateArray());
        Assert.True(original.GetProperty("active").GetBoolean());
        Assert.DoesNotContain("secret", (await before.Content.ReadAsStringAsync()).ToLowerInvariant(), StringComparison.Ordinal);

        var started = DateTimeOffset.UtcNow;
        using var rotated = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, $"api/admin/tenants/{tenant}/signing-keys/rotations", new { overlapHours = 48 }));

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var keys = (await Json(rotated)).GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        var active = Assert.Single(keys, k => k.GetProperty("active").GetBoolean());
        Assert.NotEqual(original.GetProperty("id").GetString(), active.GetProperty("id").GetString());
        var old = Assert.Single(keys, k => k.GetProperty("id").GetString() == original.GetProperty("id").GetString());
        var retires = old.GetProperty("retiresAt").GetDateTimeOffset();
        Assert.InRange(retires, started.AddHours(48).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(48).AddMinutes(1));

        using var bad = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, $"api/admin/tenants/{tenant}/signing-keys/rotations", new { overlapHours = -1 }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("$.overlapHours", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotation_without_an_overlap_keeps_older_keys_verifying_longer_than_any_link_of_the_built_in_policies_lives()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        var started = DateTimeOffset.UtcNow;
        using var rotated = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, $"api/admin/tenants/{tenant}/signing-keys/rotations"));

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var old = Assert.Single((await Json(rotated)).GetProperty("keys").EnumerateArray(), k => !k.GetProperty("active").GetBoolean());
        var retires = old.GetProperty("retiresAt").GetDateTimeOffset();
        Assert.InRange(retires, started + TenantResourcesApi.DefaultOverlap - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow + TenantResourcesApi.DefaultOverlap + TimeSpan.FromMinutes(1));

        // The longest a link mailed at a step's start lives: the step's deadline plus the grace. Every step of every
        // built-in chain, started on any day of a year whose holidays include a week-long Spring Festival and National Day.
        var year = new DateOnly(2026, 1, 1);
        var calendar = new LandRedevelopment.Calendars.HolidayCalendar(
            Enumerable.Range(0, 8).Select(d => new DateOnly(2026, 2, 15).AddDays(d)).Concat(Enumerable.Range(0, 8).Select(d => new DateOnly(2026, 10, 1).AddDays(d))), []);
        var periods = LandRedevelopment.Policies.SeedPolicies.All
            .SelectMany(c => c.Policy.Review.DeterminationChains.Concat(c.Policy.Review.PlanChains))
            .SelectMany(chain => chain.Steps).Select(step => step.TimeLimit.Period).Distinct().ToList();
        var longest = periods.Max(period => Enumerable.Range(0, 365).Select(year.AddDays)
            .Max(start => LandRedevelopment.Calendars.LegalPeriods.LastDay(start, period, calendar).DayNumber - start.DayNumber + 1));
        var lifetime = TimeSpan.FromDays(longest) + new LandRedevelopment.Review.Durable.ReviewOptions().LinkGraceAfterDue;
        Assert.True(lifetime < TenantResourcesApi.DefaultOverlap, $"a link can live {lifetime.TotalDays} days");
    }

    [Fact]
    public async Task A_holiday_calendar_is_stored_per_year_and_checked()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        // Made-up test data shaped like a National Day week, not a published calendar.
        var calendar = new { holidays = new[] { "2031-10-01", "2031-10-02", "2031-10-03" }, workingDays = new[] { "2031-09-28" }, source = "test data" };

        using var put = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/calendars/2031", calendar));
        using var bad = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/calendars/2031",
            new { holidays = new[] { "2030-10-01", "2031-13-01" }, workingDays = new[] { "2031-10-08" } }));
        using var list = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/calendars"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var paths = (await Json(bad)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        Assert.Equal(["$.holidays[0]", "$.holidays[1]", "$.workingDays[0]"], paths.Order().ToArray());
        var stored = Assert.Single((await Json(list)).EnumerateArray());
        Assert.Equal(3, stored.GetProperty("holidays").GetArrayLength());
        Assert.Equal("2031-09-28", stored.GetProperty("workingDays")[0].GetString());
    }

    [Fact]
    public async Task Resources_of_an_unknown_tenant_are_404()
    {
        using var officers = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, "api/admin/tenants/nowhere-city/officers"));
        using var keys = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants/nowhere-city/keys"));

        Assert.Equal(HttpStatusCode.NotFound, officers.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, keys.StatusCode);
    }
}
