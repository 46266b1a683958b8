using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

public sealed class ReviewTimersTests
{
    private static readonly DateTimeOffset Due = new(2027, 3, 1, 16, 0, 0, TimeSpan.Zero);

    private static ReviewState AtStep(string step, int attempt, bool reminded = false, bool overdue = false) => ReviewState.Initial with
    {
        Phase = ReviewPhase.InStep,
        StepId = step,
        Attempt = attempt,
        StepRole = "city-bureau",
        StepDueAt = Due,
        StepRemindAt = Due.AddDays(-3),
        Reminded = reminded,
        Overdue = overdue,
    };

    [Theory]
    [InlineData("district-government-confirmation", 1)]
    [InlineData("a", 12)]
    [InlineData("city-bureau-review-2", 3)]
    public void A_step_timer_key_names_its_command_and_holds_no_percent_sign(string step, int attempt)
    {
        var timers = ReviewTimers.Desired(AtStep(step, attempt));
        Assert.Equal(2, timers.Count);
        Assert.All(timers, t => Assert.DoesNotContain('%', t.Key));
        Assert.Equal(new ReminderDue(step, attempt), ReviewTimers.CommandFor(timers[0].Key));
        Assert.Equal(new StepDeadlinePassed(step, attempt), ReviewTimers.CommandFor(timers[1].Key));
        Assert.All(timers, t => Assert.True(ReviewTimers.Owns(t.Key)));
    }

    [Fact]
    public void A_reminded_step_wants_only_its_deadline_and_an_overdue_one_only_its_next_weekly_reminder()
    {
        Assert.Single(ReviewTimers.Desired(AtStep("s", 1, reminded: true)));
        var overdue = Assert.Single(ReviewTimers.Desired(AtStep("city-bureau-review", 2, reminded: true, overdue: true)));
        Assert.Equal(Due.AddDays(7), overdue.DueAt);
        Assert.Equal(new OverdueReminderDue("city-bureau-review", 2, 1), ReviewTimers.CommandFor(overdue.Key));

        var third = Assert.Single(ReviewTimers.Desired(AtStep("city-bureau-review", 2, reminded: true, overdue: true) with { OverdueReminders = 2 }));
        Assert.Equal(Due.AddDays(21), third.DueAt);
        Assert.Equal(new OverdueReminderDue("city-bureau-review", 2, 3), ReviewTimers.CommandFor(third.Key));
        Assert.NotEqual(overdue.Key, third.Key);
    }

    [Theory]
    [InlineData("timer-pay-1-remind-2")]
    [InlineData("timer-due-x-step")]
    [InlineData("timer-due--step")]
    [InlineData("timer-due-1-")]
    [InlineData("timer-overdue-1-step")]
    [InlineData("timer-overdue0-1-step")]
    [InlineData("evidence-x")]
    public void Keys_the_review_does_not_own_are_left_alone(string key) => Assert.False(ReviewTimers.Owns(key));
}
