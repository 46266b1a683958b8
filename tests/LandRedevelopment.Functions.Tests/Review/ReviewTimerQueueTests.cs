using System.Net;
using System.Text.Json;
using LandRedevelopment.Clock;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// The queue side of durable timers, driven as the Functions host drives it: <c>POST /ReviewTimers</c> with the
/// invocation envelope of a <c>review-timers</c> message.
/// </summary>
public sealed class ReviewTimerQueueTests(ReviewFixtureWithoutSweeper fixture) : IClassFixture<ReviewFixtureWithoutSweeper>
{
    [Fact]
    public async Task A_message_before_its_timer_is_due_is_put_back_and_a_due_one_fires_the_timer_once()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();

        // The step's deadline timer, as the due-date index holds it (days out: in the later table).
        var (index, row) = await WaitForTimerAsync(caseId, "timer-due-");
        var message = JsonSerializer.Serialize(new
        {
            tenantId = "karamay",
            caseId,
            timerKey = row.GetString("TimerKey"),
            dueAt = row.GetDateTimeOffset("DueAt"),
        });

        var queue = new QueueServiceClient(fixture.Azurite.ConnectionString).GetQueueClient("review-timers");
        var before = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var early = await InvokeAsync(message);
        Assert.Contains("re-queued", early);
        Assert.Equal(before + 1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.False((await town.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("overdue").GetBoolean());

        await PassWithoutSweepAsync(row.GetDateTimeOffset("DueAt")!.Value);

        Assert.Contains("Applied", await InvokeAsync(message));
        Assert.Contains("Unchanged", await InvokeAsync(message));
        var view = await town.CaseAsync(caseId);
        Assert.True(view.GetProperty("review").GetProperty("currentStep").GetProperty("overdue").GetBoolean());
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "StepOverdue");
        Assert.False((await index.GetEntityIfExistsAsync(row.PartitionKey!, row.RowKey!)).HasValue);
    }

    [Fact]
    public async Task A_message_shown_within_the_hold_limit_before_its_due_time_is_held_until_due_then_fired()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        var (_, row) = await WaitForTimerAsync(caseId, "timer-due-");

        // The case's deadline passes; then a message for the same timer that says it is due a little over a second
        // from now, as a message the queue shows in the second before its due time does.
        await PassWithoutSweepAsync(row.GetDateTimeOffset("DueAt")!.Value);
        var messageDue = await fixture.NowAsync() + TimeSpan.FromSeconds(1.2);
        Assert.True(messageDue - await fixture.NowAsync() < LandRedevelopment.Outbox.TimerIndex.HoldLimit);
        var message = JsonSerializer.Serialize(new { tenantId = "karamay", caseId, timerKey = row.GetString("TimerKey"), dueAt = messageDue });

        var answer = await InvokeAsync(message);
        var answeredAt = await fixture.NowAsync();

        Assert.Contains("Applied", answer);
        Assert.DoesNotContain("re-queued", answer);
        Assert.True(answeredAt >= messageDue, $"answered at {answeredAt:O}, before the message was due at {messageDue:O}");
        var overdue = Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "StepOverdue");
        Assert.True(overdue.GetProperty("at").GetDateTimeOffset() >= messageDue, "the timer fired before its message was due");
    }

    /// <summary>
    /// Moves the clock ten seconds past <paramref name="due"/> without a sweep (straight in storage; every instance follows
    /// within seconds; this fixture's app runs no periodic sweeper, which would fire the timer or queue it first).
    /// </summary>
    private async Task PassWithoutSweepAsync(DateTimeOffset due)
    {
        // The three queue functions; the sweeper's timer is not among them.
        Assert.Contains("Local trigger runner started 3 listeners", fixture.App.Process.Output, StringComparison.Ordinal);
        var clock = new ClockStore(new TableClient(fixture.Azurite.ConnectionString, "clock"));
        await clock.AdvanceAsync(due - await fixture.NowAsync() + TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await fixture.NowAsync() < due && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    private async Task<string> InvokeAsync(string message)
    {
        var envelope = new
        {
            Data = new Dictionary<string, object> { ["timer"] = message },
            Metadata = new Dictionary<string, object> { ["Id"] = Guid.NewGuid().ToString(), ["DequeueCount"] = 1 },
        };
        using var response = await fixture.App.Http.PostAsJsonAsync("ReviewTimers", envelope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    /// <summary>A case's timer row and the index table holding it (the near one or the later one).</summary>
    private async Task<(TableClient Table, TableEntity Row)> WaitForTimerAsync(string caseId, string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            foreach (var name in new[] { LandRedevelopment.Outbox.TimerIndex.TableName, LandRedevelopment.Outbox.TimerIndex.LaterTableName })
            {
                var index = new TableClient(fixture.Azurite.ConnectionString, name);
                await foreach (var row in index.QueryAsync(TableClient.CreateQueryFilter($"CaseId eq {caseId}")))
                {
                    if (row.GetString("TimerKey")!.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return (index, row);
                    }
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "the timer was not indexed");
            await Task.Delay(100);
        }
    }
}

/// <summary>
/// The review fixture with the local trigger runner's queue functions but not the periodic <c>ReviewSweeper</c>: tests
/// that move the clock past a timer and then drive its firing themselves would race it.
/// </summary>
public sealed class ReviewFixtureWithoutSweeper : ReviewFixture
{
    protected override IReadOnlyDictionary<string, string?>? AppSettings => new Dictionary<string, string?>
    {
        ["LocalTriggers__Functions__0"] = "CaseSignals",
        ["LocalTriggers__Functions__1"] = "ComputePayments",
        ["LocalTriggers__Functions__2"] = "ReviewTimers",
    };
}
