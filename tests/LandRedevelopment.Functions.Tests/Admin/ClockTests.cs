using System.Net;
using System.Text.Json;
using LandRedevelopment.Clock;
using LandRedevelopment.Functions.Admin;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Admin;

public class ClockOffByDefaultTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_clock_endpoint_does_not_exist_unless_configured()
    {
        using var get = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, "api/admin/clock"));
        using var post = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/clock", new { advance = "P30D" }));
        using var anonymous = await fixture.Http.PostAsJsonAsync("api/admin/clock", new { advance = "P30D" });

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class AdjustableClockTests
{
    [Fact]
    public async Task Advancing_moves_the_service_clock_for_every_instance_and_checks_the_duration()
    {
        using var azurite = await AzuriteServer.StartAsync();
        var adminKey = "clock-admin-" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Admin__Key"] = adminKey,
            ["Clock__Adjustable"] = "true",
        };
        using var first = await AppProcess.StartAsync(settings);
        using var second = await AppProcess.StartAsync(settings);
        await first.WaitHealthyAsync();
        await second.WaitHealthyAsync();

        using var advanced = await Send(first, adminKey, HttpMethod.Post, "api/admin/clock", new { advance = "P30DT2H" });
        using var months = await Send(first, adminKey, HttpMethod.Post, "api/admin/clock", new { advance = "P1M" });
        using var backwards = await Send(first, adminKey, HttpMethod.Post, "api/admin/clock", new { advance = "-P1D" });

        Assert.Equal(HttpStatusCode.OK, advanced.StatusCode);
        var now = JsonDocument.Parse(await advanced.Content.ReadAsStringAsync()).RootElement.GetProperty("now").GetDateTimeOffset();
        Assert.InRange(now - DateTimeOffset.UtcNow, TimeSpan.FromDays(30).Add(TimeSpan.FromHours(2)).Subtract(TimeSpan.FromMinutes(1)), TimeSpan.FromDays(30).Add(TimeSpan.FromHours(2)).Add(TimeSpan.FromMinutes(1)));
        Assert.Equal(HttpStatusCode.BadRequest, months.StatusCode);
        Assert.Contains("$.advance", await months.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);

        // What the service records follows its clock: a tenant onboarded now is created 30 days ahead.
        using var onboard = await Send(first, adminKey, HttpMethod.Post, "api/admin/tenants",
            new { id = "clock-city", displayName = "测试市", timeZone = "Asia/Shanghai", policy = TestPolicies.Minimal() });
        var createdAt = JsonDocument.Parse(await onboard.Content.ReadAsStringAsync()).RootElement.GetProperty("tenant").GetProperty("createdAt").GetDateTimeOffset();
        Assert.True(createdAt > DateTimeOffset.UtcNow.AddDays(29), $"createdAt {createdAt:O}");

        // The other instance catches up from storage within a few seconds.
        TimeSpan offset = default;
        for (var i = 0; i < 100 && offset < TimeSpan.FromDays(30); i++)
        {
            using var view = await Send(second, adminKey, HttpMethod.Get, "api/admin/clock");
            offset = JsonDocument.Parse(await view.Content.ReadAsStringAsync()).RootElement.GetProperty("offset").Deserialize<TimeSpan>();
            await Task.Delay(100);
        }

        Assert.Equal(TimeSpan.FromDays(30).Add(TimeSpan.FromHours(2)), offset);
    }

    [Theory]
    [InlineData("P30D", true)]
    [InlineData("PT2H", true)]
    [InlineData("P1DT12H30M", true)]
    [InlineData("P1M", false)]
    [InlineData("P1Y", false)]
    [InlineData("-P1D", false)]
    [InlineData("P0D", false)]
    [InlineData("30 days", false)]
    [InlineData("P99999D", false)]
    public void Durations_are_days_hours_minutes_or_seconds_forward_only(string text, bool accepted) =>
        Assert.Equal(accepted, ClockApi.TryParseDuration(text, out _));

    [Fact]
    public void The_clock_never_goes_back()
    {
        var clock = new AdjustableClock(TimeProvider.System);
        clock.Observe(TimeSpan.FromDays(10));
        clock.Observe(TimeSpan.FromDays(3));

        Assert.Equal(TimeSpan.FromDays(10), clock.Offset);
        Assert.InRange(clock.GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromDays(10).Subtract(TimeSpan.FromSeconds(5)), TimeSpan.FromDays(10).Add(TimeSpan.FromSeconds(5)));
    }

    private static Task<HttpResponseMessage> Send(AppProcess app, string adminKey, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
        return app.Http.SendAsync(request);
    }
}
