using System.Net;
using System.Text.Json;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// A step's reminder and deadline under the adjustable clock (克拉玛依). The clock is shared by the class's tests, and
/// moving it fires every case's due timers, so each test looks only at its own case's mails and events.
/// </summary>
public sealed class ReviewDeadlineTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string First = "district-investigation";
    private const string Second = "district-government-confirmation";

    private readonly ReviewCity _town = fixture.City("karamay");

    [Fact]
    public async Task The_officer_is_reminded_once_then_the_overdue_step_is_escalated_and_can_still_be_approved()
    {
        var caseId = await _town.StartCaseAsync();
        await fixture.MailAsync(caseId, "decision-request", First + "#1");
        var view = await _town.CaseAsync(caseId);
        var reminder = Deadline(view, "step-reminder");
        var decision = Deadline(view, "step-decision");
        Assert.Equal("pending", reminder.GetProperty("status").GetString());
        Assert.Equal("pending", decision.GetProperty("status").GetString());
        var remindAt = reminder.GetProperty("at").GetDateTimeOffset();
        var dueAt = decision.GetProperty("at").GetDateTimeOffset();
        Assert.True(await fixture.NowAsync() < remindAt && remindAt < dueAt, $"reminder {remindAt:O}, due {dueAt:O}");
        Assert.Equal(dueAt, view.GetProperty("review").GetProperty("currentStep").GetProperty("dueAt").GetDateTimeOffset());

        // Past the reminder: one reminder to the step's officer, and a little later still only one.
        await fixture.AdvancePastAsync(remindAt);
        var reminded = await fixture.MailAsync(caseId, "reminder", First + "#1", "district-bureau");
        Assert.Equal("district-bureau@karamay.maildev.local", reminded.To[0].Address);
        ReviewFixture.Link(reminded, "approve");
        await fixture.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.True(await fixture.NowAsync() < dueAt);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await fixture.MailsAsync(caseId, "reminder"));
        Assert.Empty(await fixture.MailsAsync(caseId, "overdue"));
        view = await _town.CaseAsync(caseId);
        Assert.Equal("sent", Deadline(view, "step-reminder").GetProperty("status").GetString());
        Assert.Equal("pending", Deadline(view, "step-decision").GetProperty("status").GetString());
        Assert.True(view.GetProperty("review").GetProperty("currentStep").GetProperty("reminded").GetBoolean());
        Assert.False(view.GetProperty("review").GetProperty("currentStep").GetProperty("overdue").GetBoolean());

        // Past the deadline: a new decision mail marked overdue to the officer, and the escalation role is told.
        await fixture.AdvancePastAsync(dueAt);
        var overdue = await fixture.MailAsync(caseId, "overdue", First + "#1", "district-bureau");
        var escalation = await fixture.MailAsync(caseId, "escalation", officer: "city-bureau");
        Assert.Equal("city-bureau@karamay.maildev.local", escalation.To[0].Address);
        await fixture.AdvanceAsync(TimeSpan.FromDays(1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await fixture.MailsAsync(caseId, "overdue"));
        Assert.Single(await fixture.MailsAsync(caseId, "escalation"));
        Assert.Single(await fixture.MailsAsync(caseId, "reminder"));

        view = await _town.CaseAsync(caseId);
        Assert.Equal("InReview", view.GetProperty("state").GetString());
        Assert.True(view.GetProperty("review").GetProperty("currentStep").GetProperty("overdue").GetBoolean());
        Assert.Equal("overdue", Deadline(view, "step-decision").GetProperty("status").GetString());

        var timeline = await _town.TimelineAsync(caseId);
        foreach (var type in new[] { "ReminderRaised", "StepOverdue" })
        {
            var raised = Assert.Single(timeline, e => e.GetProperty("type").GetString() == type);
            Assert.Equal("timer", raised.GetProperty("actor").GetString());
            Assert.Equal(First, raised.GetProperty("data").GetProperty("stepId").GetString());
        }

        // Late is not closed: the overdue mail's link still decides.
        using (var approved = await fixture.PostLinkAsync(ReviewFixture.Link(overdue, "approve"), "逾期后批准"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        await _town.WaitStepAsync(caseId, Second, 1);
        await fixture.MailAsync(caseId, "decision-request", Second + "#1");
        Assert.Single(await _town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "StepApproved");
    }

    [Fact]
    public async Task An_overdue_step_is_reminded_every_week_with_fresh_links_so_it_never_runs_out_of_links()
    {
        var caseId = await _town.StartCaseAsync();
        var dueAt = Deadline(await _town.CaseAsync(caseId), "step-decision").GetProperty("at").GetDateTimeOffset();
        await fixture.AdvancePastAsync(dueAt);
        var overdue = await fixture.MailAsync(caseId, "overdue", First + "#1", "district-bureau");

        // A week on: the officer is reminded again, with links of its own.
        await fixture.AdvancePastAsync(dueAt + TimeSpan.FromDays(7));
        var weekly = await fixture.MailAsync(caseId, "overdue-reminder-1", First + "#1", "district-bureau");
        using (var page = await fixture.GetLinkAsync(ReviewFixture.Link(weekly, "approve")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // Seven weeks on, the overdue mail's links have expired (the deadline plus the grace), but the latest weekly one decides.
        await fixture.AdvancePastAsync(dueAt + TimeSpan.FromDays(49));
        List<LandRedevelopment.Testing.CapturedMail> reminders;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((reminders = (await fixture.MailsAsync(caseId)).Where(m => m.Header("x-review-kind")!.StartsWith("overdue-reminder-", StringComparison.Ordinal)).ToList()).Count < 7)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{reminders.Count} weekly reminders came");
            await Task.Delay(300);
        }

        using (var expired = await fixture.GetLinkAsync(ReviewFixture.Link(overdue, "approve")))
        {
            Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        }

        Assert.Equal(Enumerable.Range(1, 7).Select(n => $"overdue-reminder-{n}"), reminders.Select(m => m.Header("x-review-kind")).Order(StringComparer.Ordinal));
        using (var approved = await fixture.PostLinkAsync(ReviewFixture.Link(reminders.Single(m => m.Header("x-review-kind") == "overdue-reminder-7"), "approve"), "逾期七周后批准"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        await _town.WaitStepAsync(caseId, Second, 1);
        var raised = (await _town.TimelineAsync(caseId)).Where(e => e.GetProperty("type").GetString() == "OverdueReminderRaised").ToList();
        Assert.Equal(Enumerable.Range(1, 7), raised.Select(e => e.GetProperty("data").GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task The_timers_of_a_step_decided_before_they_fall_due_do_nothing()
    {
        var caseId = await _town.StartCaseAsync();
        var view = await _town.CaseAsync(caseId);
        var firstDue = Deadline(view, "step-decision").GetProperty("at").GetDateTimeOffset();
        await _town.DecideAsync(caseId, First + "#1");
        view = await _town.WaitStepAsync(caseId, Second, 1);
        var secondDue = Deadline(view, "step-decision").GetProperty("at").GetDateTimeOffset();

        // 10 working days for the second step end before the first step's 20: moving past the first step's
        // deadline makes the second step overdue, which shows the sweep ran.
        Assert.True(secondDue <= firstDue, $"{secondDue:O} > {firstDue:O}");
        await fixture.AdvancePastAsync(firstDue);
        await fixture.MailAsync(caseId, "overdue", Second + "#1");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var mails = await fixture.MailsAsync(caseId);
        Assert.DoesNotContain(mails, m => m.Header("x-review-step") == First + "#1" && m.Header("x-review-kind") != "decision-request");
        Assert.Single(mails, m => m.Header("x-review-kind") == "escalation");
        var timeline = await _town.TimelineAsync(caseId);
        Assert.DoesNotContain(timeline, e =>
            e.GetProperty("type").GetString() is "ReminderRaised" or "StepOverdue" && e.GetProperty("data").GetProperty("stepId").GetString() == First);
        var overdue = Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepOverdue");
        Assert.Equal(Second, overdue.GetProperty("data").GetProperty("stepId").GetString());
    }

    private static JsonElement Deadline(JsonElement view, string kind) =>
        Assert.Single(view.GetProperty("deadlines").EnumerateArray(), d => d.GetProperty("kind").GetString() == kind);
}
