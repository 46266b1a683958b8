using System.Globalization;
using System.Net;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// A plan deadline counted at service, before the year's holiday calendar was loaded: the administrator loads a calendar
/// in which the last day is a holiday, and the deadline moves on to the next working day instead of reclaiming the land a
/// day early; and a step's time limit, the same way. On a fixture of its own: the calendars loaded would move other tests'
/// deadlines.
/// </summary>
public sealed class PlanDeadlineCalendarTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task A_last_day_that_a_calendar_loaded_later_makes_a_holiday_moves_the_deadline_and_its_timer_on()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync(flags: new Dictionary<string, bool> { ["allocatedLand"] = true });
        await town.DetermineAsync(caseId, ReviewPlanTests.KaramayChain);
        var today = TimeZoneInfo.ConvertTime(await fixture.NowAsync(), ReviewPlanTests.Shanghai).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using (var served = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/service", new { servedOn = today, method = "直接送达", recipient = "土地使用权人" }))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        var (lastDay, at) = await DeadlineAsync(town, caseId);

        // The State Council's arrangement for that year, loaded after the service, makes the last day a holiday.
        await LoadHolidayAsync(lastDay);

        var next = lastDay.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        // Past the deadline as counted at service: the timer recounts it, and nothing is reclaimed.
        await fixture.AdvancePastAsync(at);
        await town.WaitEventsAsync(caseId, "PlanDeadlineRecounted", 1);
        Assert.Equal("DeterminationServed", (await town.CaseAsync(caseId)).GetProperty("state").GetString());
        var (movedDay, movedAt) = await DeadlineAsync(town, caseId);
        Assert.Equal(next, movedDay);

        // Past the moved deadline: the moved timer fires, and the case goes to reclamation once.
        await fixture.AdvancePastAsync(movedAt);
        await town.WaitStateAsync(caseId, "Reclamation", TimeSpan.FromSeconds(15));
        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ReclamationStarted");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PlanDeadlineRecounted");
    }

    [Fact]
    public async Task A_step_whose_last_day_a_calendar_loaded_later_makes_a_holiday_is_not_overdue_until_the_next_working_day_ends()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        var dueAt = (await town.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("dueAt").GetDateTimeOffset();
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(dueAt.AddTicks(-1), ReviewPlanTests.Shanghai).DateTime);
        await LoadHolidayAsync(lastDay);

        await fixture.AdvancePastAsync(dueAt);
        await town.WaitEventsAsync(caseId, "StepDeadlineRecounted", 1);
        var step = (await town.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep");
        Assert.False(step.GetProperty("overdue").GetBoolean());
        var movedDue = step.GetProperty("dueAt").GetDateTimeOffset();
        Assert.True(movedDue >= dueAt.AddDays(1), $"{dueAt} → {movedDue}");

        await fixture.AdvancePastAsync(movedDue);
        await town.WaitEventsAsync(caseId, "StepOverdue", 1);
        Assert.True((await town.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("overdue").GetBoolean());
    }

    /// <summary>Loads the year's calendar with <paramref name="day"/> its one holiday, as an administrator loads the State Council's arrangement.</summary>
    private async Task LoadHolidayAsync(DateOnly day)
    {
        using var loaded = await fixture.App.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/karamay/calendars/{day.Year}",
            new { holidays = new[] { day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, workingDays = Array.Empty<string>(), source = "测试：国务院办公厅通知" }));
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
    }

    private static async Task<(DateOnly LastDay, DateTimeOffset At)> DeadlineAsync(ReviewCity town, string caseId)
    {
        var view = await town.CaseAsync(caseId);
        var deadline = view.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "plan-submission");
        return (DateOnly.Parse(deadline.GetProperty("lastDay").GetString()!, CultureInfo.InvariantCulture), deadline.GetProperty("at").GetDateTimeOffset());
    }
}
