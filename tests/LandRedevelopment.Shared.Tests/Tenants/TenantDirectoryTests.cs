using LandRedevelopment.Calendars;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Tenants;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Tenants;

public class TenantDirectoryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private async Task<TenantDirectory> Directory()
    {
        var directory = new TenantDirectory(new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("tenants")), TimeProvider.System);
        await directory.EnsureCreatedAsync();
        return directory;
    }

    [Fact]
    public async Task A_key_opens_only_its_own_tenant_and_stops_working_when_revoked()
    {
        var directory = await Directory();
        var (_, keyA) = await directory.CreateAsync("city-a", "A", "Asia/Shanghai", "{}");
        var (_, keyB) = await directory.CreateAsync("city-b", "B", "Asia/Shanghai", "{}");

        Assert.True(await directory.VerifyApiKeyAsync("city-a", keyA));
        Assert.False(await directory.VerifyApiKeyAsync("city-a", keyB));
        Assert.False(await directory.VerifyApiKeyAsync("city-b", keyA));
        Assert.False(await directory.VerifyApiKeyAsync("city-c", keyA));
        Assert.False(await directory.VerifyApiKeyAsync("city-a", null));
        Assert.False(await directory.VerifyApiKeyAsync("City-A", keyA));

        await directory.RevokeApiKeyAsync("city-a", ApiKeys.PrefixOf(keyA)!);
        Assert.False(await directory.VerifyApiKeyAsync("city-a", keyA));
    }

    [Fact]
    public async Task Onboarding_is_all_or_nothing()
    {
        var directory = await Directory();
        await directory.CreateAsync("city-a", "A", "Asia/Shanghai", "{\"v\":1}");

        var e = await Assert.ThrowsAsync<DirectoryException>(() => directory.CreateAsync("city-a", "A again", "Asia/Shanghai", "{\"v\":2}"));

        Assert.Equal(DirectoryFailure.TenantExists, e.Failure);
        Assert.Equal("A", (await directory.GetAsync("city-a"))!.DisplayName);
        Assert.Single(await directory.ListApiKeysAsync("city-a"));
        Assert.Equal("{\"v\":1}", (await directory.GetPolicyAsync("city-a")).Json);
    }

    [Fact]
    public async Task The_same_policy_again_adds_no_version()
    {
        var directory = await Directory();
        await directory.CreateAsync("city-a", "A", "Asia/Shanghai", "{\"v\":1}");

        var same = await directory.AddPolicyVersionAsync("city-a", "{\"v\":1}");
        var next = await directory.AddPolicyVersionAsync("city-a", "{\"v\":2}");

        Assert.Equal(1, same.Version);
        Assert.Equal(2, next.Version);
        Assert.Equal(2, (await directory.GetAsync("city-a"))!.PolicyVersion);
        Assert.Equal("{\"v\":1}", (await directory.GetPolicyAsync("city-a", 1)).Json);
    }

    [Fact]
    public async Task Kept_policy_versions_never_stand_in_for_the_current_one_or_for_another_tenant()
    {
        var directory = await Directory();
        await directory.CreateAsync("city-a", "A", "Asia/Shanghai", "{\"v\":1}");
        await directory.CreateAsync("city-b", "B", "Asia/Shanghai", "{\"b\":1}");
        Assert.Equal("{\"v\":1}", (await directory.GetPolicyAsync("city-a", 1)).Json);
        Assert.Equal("{\"v\":1}", (await directory.GetPolicyAsync("city-a")).Json);

        await directory.AddPolicyVersionAsync("city-a", "{\"v\":2}");

        // The current version is looked up each time; a version once read is the same thereafter.
        Assert.Equal("{\"v\":2}", (await directory.GetPolicyAsync("city-a")).Json);
        Assert.Equal("{\"v\":1}", (await directory.GetPolicyAsync("city-a", 1)).Json);
        Assert.Equal("{\"b\":1}", (await directory.GetPolicyAsync("city-b", 1)).Json);
        var missing = await Assert.ThrowsAsync<DirectoryException>(() => directory.GetPolicyAsync("city-a", 3));
        Assert.Equal(DirectoryFailure.VersionNotFound, missing.Failure);
    }

    [Fact]
    public async Task Officers_keys_and_calendars_changed_through_one_instance_are_seen_by_another_that_read_them_before()
    {
        // Two instances of the service on one table, as when the Functions host scales out.
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("tenants"));
        var one = new TenantDirectory(table, TimeProvider.System);
        var two = new TenantDirectory(table, TimeProvider.System);
        await one.EnsureCreatedAsync();
        await one.CreateAsync("city-a", "A", "Asia/Shanghai", "{}");
        Assert.Empty(await two.ListOfficersAsync("city-a"));
        var keysBefore = (await two.GetSigningKeysAsync("city-a")).Keys.Select(k => k.Id).ToList();
        Assert.Empty(await two.ListCalendarsAsync("city-a"));
        Assert.Same(HolidayCalendar.WeekendsOnly, await two.GetHolidayCalendarAsync("city-a"));

        await one.UpsertOfficerAsync("city-a", new Officer("wang", "王", "wang@example.cn", ["district-bureau"]));
        await one.RotateSigningKeyAsync("city-a", TimeSpan.FromDays(1));
        await one.PutCalendarAsync("city-a", new HolidayCalendarYear(2026, [new DateOnly(2026, 10, 1)], [], "test", default));

        Assert.Equal(["wang"], (await two.ListOfficersAsync("city-a")).Select(o => o.Id));
        Assert.Equal(keysBefore.Count + 1, (await two.GetSigningKeysAsync("city-a")).Keys.Count);
        Assert.Equal(2026, Assert.Single(await two.ListCalendarsAsync("city-a")).Year);
        Assert.NotSame(HolidayCalendar.WeekendsOnly, await two.GetHolidayCalendarAsync("city-a"));

        // A second change of the same kind is seen too, also through a fresh read of the tenant; an unknown tenant is still refused.
        await one.UpsertOfficerAsync("city-a", new Officer("wang", "王", "wang2@example.cn", ["district-bureau"]));
        Assert.Equal("wang2@example.cn", Assert.Single(await two.ListOfficersAsync("city-a")).Email);
        await one.UpsertOfficerAsync("city-a", new Officer("li", "李", "li@example.cn", ["city-bureau"]));
        var tenant = (await two.GetAsync("city-a"))!;
        Assert.Equal(["li", "wang"], (await two.ListOfficersAsync(tenant)).Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.Equal(keysBefore.Count + 1, (await two.GetSigningKeysAsync(tenant)).Keys.Count);
        Assert.NotSame(HolidayCalendar.WeekendsOnly, await two.GetHolidayCalendarAsync(tenant));
        Assert.DoesNotContain("\"version\"", System.Text.Json.JsonSerializer.Serialize(tenant, System.Text.Json.JsonSerializerOptions.Web), StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<DirectoryException>(() => two.ListOfficersAsync("city-x"));
        Assert.Equal(DirectoryFailure.TenantNotFound, missing.Failure);
    }

    [Fact]
    public async Task A_loaded_holiday_calendar_moves_a_deadline_past_the_holidays()
    {
        var directory = await Directory();
        await directory.CreateAsync("city-a", "A", "Asia/Shanghai", "{}");
        // Test data shaped like a National Day week with a make-up Saturday; not a published calendar.
        await directory.PutCalendarAsync("city-a", new HolidayCalendarYear(2031,
            [new(2031, 10, 1), new(2031, 10, 2), new(2031, 10, 3), new(2031, 10, 6), new(2031, 10, 7)],
            [new(2031, 10, 11)], "test data", default));

        var calendar = await directory.GetHolidayCalendarAsync("city-a");

        // Served 2031-09-01, one month → 2031-10-01, a holiday → first working day after the week: 10-08.
        Assert.Equal(new DateOnly(2031, 10, 8), LegalPeriods.LastDay(new DateOnly(2031, 9, 1), Period.OfMonths(1), calendar));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2031, 10, 11)));
        await directory.CreateAsync("city-b", "B", "Asia/Shanghai", "{}");
        Assert.True((await directory.GetHolidayCalendarAsync("city-b")).IsWorkingDay(new DateOnly(2031, 10, 1)));
    }
}
