using System.Globalization;
using System.Net;
using LandRedevelopment.Functions.Tests.Payments;

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

        var next = NextWorkingDay(lastDay);

        // The case shows the moved deadline at once, before its timer has counted it again.
        var (shownDay, shownAt) = await DeadlineAsync(town, caseId);
        Assert.Equal(next, shownDay);
        Assert.True(shownAt > at, $"{at} → {shownAt}");

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

        // The case shows the step due on the next working day at once, before its timer has counted it again.
        var shown = (await town.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep");
        Assert.Equal(NextWorkingDay(lastDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), shown.GetProperty("lastDay").GetString());
        Assert.True(shown.GetProperty("dueAt").GetDateTimeOffset() > dueAt);

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

    [Fact]
    public async Task An_instalment_whose_due_date_a_calendar_loaded_later_makes_a_holiday_falls_overdue_only_after_the_next_working_day()
    {
        var (town, caseId, today) = await PaymentsKit.RedevelopmentAsync(fixture, "karamay");
        var contract = PaymentsKit.Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00",
            plan: [("1000000.00", today.AddDays(20)), ("1000000.00", today.AddDays(200))]).WithConsent().WithTransfer();
        using (var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract))
        {
            Assert.Equal(HttpStatusCode.Accepted, recorded.StatusCode);
        }

        var payments = await PaymentsKit.WaitPaymentsAsync(town, caseId, "scheduled");
        var dueOn = DateOnly.Parse(payments.GetProperty("instalments")[0].GetProperty("dueOn").GetString()!, CultureInfo.InvariantCulture);
        await LoadHolidayAsync(dueOn);
        var next = NextWorkingDay(dueOn);

        // The end of the due date as counted at recording passes: the timer moves on, and nothing is overdue.
        await fixture.AdvancePastAsync(new DateTimeOffset(dueOn.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)));
        await Task.Delay(1500);
        Assert.DoesNotContain(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PaymentOverdue");
        var moved = (await PaymentsKit.WaitPaymentsAsync(town, caseId, "scheduled")).GetProperty("instalments")[0];
        Assert.Equal(("pending", next.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), (moved.GetProperty("status").GetString(), moved.GetProperty("movedTo").GetString()));

        // After the next working day it is overdue, once, and the mail says the date moved.
        await fixture.AdvancePastAsync(new DateTimeOffset(next.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)));
        await town.WaitEventsAsync(caseId, "PaymentOverdue", 1);
        var mail = await fixture.MailDev.WaitForAsync(m => m.Header("x-case-id") == caseId && m.Header("x-payment-kind") == "payment-overdue", TimeSpan.FromSeconds(30));
        Assert.Contains($"顺延至 {next:yyyy-MM-dd}", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"已于 {next:yyyy-MM-dd} 到期", mail.Subject, StringComparison.Ordinal);
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PaymentOverdue");
    }

    private static DateOnly NextWorkingDay(DateOnly day)
    {
        var next = day.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        return next;
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
