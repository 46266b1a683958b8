using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Hosting.CustomHandler;
using LandRedevelopment.Outbox;
using LandRedevelopment.Review.Durable;

namespace LandRedevelopment.Functions.Review;

/// <summary>
/// The review's non-HTTP functions: case signals (queue <c>case-signals</c>), durable timers (queue
/// <c>review-timers</c>) and the sweeper (timer). A handler that throws answers 500, so the host retries the
/// message and after five tries moves it to the poison queue; every handler is idempotent.
/// </summary>
public static partial class ReviewTriggers
{
    public static IEndpointRouteBuilder MapReviewTriggers(this IEndpointRouteBuilder app)
    {
        app.MapQueueTrigger("CaseSignals", "signal", OnCaseSignal);
        app.MapQueueTrigger("ReviewTimers", "timer", OnTimer);
        app.MapTimerTrigger("ReviewSweeper", "sweep", OnSweep);
        app.MapTimerTrigger("PolicyValidityCheck", "check", OnPolicyValidityCheck);
        return app;
    }

    internal static async Task<InvocationResult> OnCaseSignal(QueueTriggerInvocation invocation, HttpContext http)
    {
        var logs = new List<string>();
        var signal = Read<CaseSignal>(invocation.MessageText);
        if (signal is null || signal.Kind != CaseSignals.EvidenceCompleteKind)
        {
            // A message this version cannot read would fail the same way five times: drop it with a log line.
            logs.Add($"Ignored an unreadable case signal {invocation.MessageId}.");
            return new InvocationResult { Logs = logs };
        }

        var review = http.RequestServices.GetRequiredService<ReviewService>();
        var outcome = await review.OnEvidenceCompleteAsync(signal.TenantId, signal.CaseId, http.RequestAborted);
        logs.Add($"Case {signal.TenantId}/{signal.CaseId}: evidence complete → {outcome.Kind} ({outcome.Case?.State})");
        return new InvocationResult { Logs = logs };
    }

    // How soon a timer message whose case does not yet hold the timer due is tried again.
    private static readonly TimeSpan NotDueRetry = TimeSpan.FromSeconds(5);

    internal static async Task<InvocationResult> OnTimer(QueueTriggerInvocation invocation, HttpContext http)
    {
        var timer = Read<DurableTimer>(invocation.MessageText);
        if (timer is null)
        {
            return new InvocationResult { Logs = [$"Ignored an unreadable timer message {invocation.MessageId}."] };
        }

        var services = http.RequestServices;
        var index = services.GetRequiredService<TimerIndex>();
        var time = services.GetRequiredService<TimeProvider>();
        var early = timer.DueAt - time.GetUtcNow();
        if (early > TimerIndex.HoldLimit)
        {
            // Not due yet (a message hides for at most seven days): put it back for the next stretch.
            await index.EnqueueAsync(timer, http.RequestAborted);
            return new InvocationResult { Logs = [$"Timer {timer.TimerKey} of {timer.CaseId} is due at {timer.DueAt:O}; re-queued."] };
        }

        if (early > TimeSpan.Zero)
        {
            // Shown the fraction of a second the queue's whole-second visibility rounds off: hold it until due.
            await Task.Delay(early, time, http.RequestAborted);
        }

        var outcome = await services.GetRequiredService<CaseTimers>().FireAsync(timer, http.RequestAborted);
        if (outcome == TimerFiring.NotDue)
        {
            // The case holds the timer due later than its message says: try again in a while, not at once.
            await index.EnqueueAsync(timer, http.RequestAborted, atLeast: NotDueRetry);
            return new InvocationResult { Logs = [$"Timer {timer.TimerKey} of {timer.CaseId} is not due by the case's clock; re-queued."] };
        }

        await index.RemoveAsync(timer, http.RequestAborted);
        return new InvocationResult { Logs = [$"Timer {timer.TimerKey} of {timer.TenantId}/{timer.CaseId}: {outcome}."] };
    }

    internal static async Task<InvocationResult> OnSweep(TimerTriggerInvocation invocation, HttpContext http)
    {
        var sweeper = http.RequestServices.GetRequiredService<ReviewSweeper>();
        var report = await sweeper.SweepAsync(ReviewSweeper.OutboxGrace, ReviewSweeper.TimerGrace, http.RequestAborted);
        var logs = new List<string> { $"Sweep: {report.TimersFired} timers fired, {report.TimersCleared} cleared, {report.TimersQueued} queued as they came due soon, {report.TimersMovedIn} moved into the near index, {report.Relayed.Delivered} outbox rows relayed." };
        logs.AddRange(report.Failures.Concat(report.Relayed.Failures).Select(f => "Left for the next sweep: " + f));
        return new InvocationResult { Logs = logs };
    }

    /// <summary>
    /// The hourly <c>PolicyValidityCheck</c>: mails each tenant's programme officers when a document its policy rests on
    /// ends within 90 or 30 days, or has ended. Hourly, not daily, so a mail relay that is down delays a notice by an hour.
    /// </summary>
    internal static async Task<InvocationResult> OnPolicyValidityCheck(TimerTriggerInvocation invocation, HttpContext http)
    {
        var report = await http.RequestServices.GetRequiredService<PolicyValidityNotices>().SendDueAsync(http.RequestAborted);
        var logs = new List<string> { $"Policy validity check: {report.Mailed} notices mailed." };
        logs.AddRange(report.Failures.Select(f => "Left for the next check: " + f));
        return new InvocationResult { Logs = logs };
    }

    private static T? Read<T>(string text) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
