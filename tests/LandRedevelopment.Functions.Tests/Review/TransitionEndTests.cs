using System.Globalization;
using LandRedevelopment.Functions.Tests.Payments;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// The five-year transition period, run to its end under the clock: the officers who approved the plan are reminded three
/// months before it ends, then told it ended. On a fixture of its own, since it moves the clock five years.
/// </summary>
public sealed class TransitionEndTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task The_officers_are_reminded_once_before_the_transition_period_ends_then_told_it_ended()
    {
        var (town, caseId, _) = await PaymentsKit.RedevelopmentAsync(fixture, "karamay");
        var view = await town.CaseAsync(caseId);
        var period = Deadline(view, "transition-period");
        var lastDay = DateOnly.Parse(period.GetProperty("lastDay").GetString()!, CultureInfo.InvariantCulture);
        var endsAt = period.GetProperty("at").GetDateTimeOffset();

        // Listed with the deadlines: three months before the last day, at its end.
        var reminder = Deadline(view, "transition-period-reminder");
        var remindAt = reminder.GetProperty("at").GetDateTimeOffset();
        Assert.Equal("pending", reminder.GetProperty("status").GetString());
        Assert.Equal(lastDay.AddMonths(-3), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(remindAt.AddTicks(-1), ReviewPlanTests.Shanghai).DateTime));

        // A week before the end: the reminder has come, once, naming the last day; the period still runs.
        await fixture.AdvanceAsync(endsAt - await fixture.NowAsync() - TimeSpan.FromDays(7));
        var mail = await fixture.MailAsync(caseId, "transition-end-reminder");
        Assert.Contains(lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), mail.Subject, StringComparison.Ordinal);
        Assert.Contains("克拉玛依 art. 8(1)", mail.Text, StringComparison.Ordinal);
        var before = await town.CaseAsync(caseId);
        Assert.Equal("Redevelopment", before.GetProperty("state").GetString());
        Assert.Equal("sent", Deadline(before, "transition-period-reminder").GetProperty("status").GetString());
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "TransitionEndReminderRaised");

        // Past the end: the period is over, and the reminder was not sent again.
        await fixture.AdvancePastAsync(endsAt);
        await town.WaitStateAsync(caseId, "TransitionOver", TimeSpan.FromSeconds(10));
        await fixture.MailAsync(caseId, "transition-ended");
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "TransitionEndReminderRaised");
    }

    private static System.Text.Json.JsonElement Deadline(System.Text.Json.JsonElement view, string kind) =>
        view.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == kind);
}
