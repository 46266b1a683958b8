using System.Diagnostics;
using System.Text.Json;
using FsCheck.Fluent;
using LandRedevelopment.Outbox;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Outbox;

/// <summary>Durable timers on Queue storage: the visibility arithmetic, the due-date index over day partitions, and a real hidden message.</summary>
[Collection(DurableStorageCollection.Name)]
public class TimerIndexTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly DurableStorage _storage = new(azurite);

    // Never touches storage: the clients are only built.
    private TimerIndex Offline(TimeProvider time) => new(_storage.Tables.GetTableClient("unused"), _storage.Tables.GetTableClient("unusedlater"), _storage.Base64Queues, time);

    private static DurableTimer Timer(DateTimeOffset dueAt, string key = "timer-due-step-1") =>
        new("karamay", AzuriteFixture.UniqueName("c"), key, dueAt);

    [Theory]
    [InlineData(8 * 86400.0, 7 * 86400.0)]
    [InlineData(7 * 86400.0, 7 * 86400.0)]
    [InlineData(7 * 86400.0 - 0.5, 7 * 86400.0 - 1)]
    [InlineData(400 * 86400.0, 7 * 86400.0)]
    [InlineData(1.2, 1.0)]
    [InlineData(2.999, 2.0)]
    [InlineData(3.0, 3.0)]
    [InlineData(0.0001, 0.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(-1.0, 0.0)]
    [InlineData(-30 * 86400.0, 0.0)]
    public void VisibilityFor_caps_at_seven_days_rounds_down_to_whole_seconds_and_is_zero_when_due(double dueInSeconds, double expectedSeconds)
    {
        var index = Offline(new TestClock(Now));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), index.VisibilityFor(Now + TimeSpan.FromSeconds(dueInSeconds)));
    }

    [Fact]
    public void VisibilityFor_shows_a_message_less_than_a_second_before_its_timer_is_due_and_never_after()
    {
        var gen =
            from milliseconds in Gen.Choose(-1_000_000, int.MaxValue)
            from extraTicks in Gen.Choose(0, 9_999)
            select TimeSpan.FromMilliseconds(milliseconds) + TimeSpan.FromTicks(extraTicks);
        var index = Offline(new TestClock(Now));
        Assert.True(TimeSpan.FromSeconds(1) < TimerIndex.HoldLimit, "the handler must hold what rounding down shows early");

        PropertyCheck.ForAll(gen, wait =>
        {
            var visibility = index.VisibilityFor(Now + wait);

            Assert.Equal(0, visibility.Ticks % TimeSpan.TicksPerSecond);
            Assert.InRange(visibility, TimeSpan.Zero, TimerIndex.MaxVisibility);
            if (wait <= TimeSpan.Zero)
            {
                Assert.Equal(TimeSpan.Zero, visibility);
            }
            else if (wait <= TimerIndex.MaxVisibility)
            {
                // Within the second before due (the handler holds it the rest of the way), never after.
                Assert.InRange(visibility, wait - TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(1), wait);
            }
            else
            {
                Assert.Equal(TimerIndex.MaxVisibility, visibility);
            }
        });
    }

    [Fact]
    public async Task DueAsync_returns_every_due_timer_across_day_partitions_and_nothing_later()
    {
        var index = await _storage.NewTimerIndexAsync(new TestClock(Now));
        DurableTimer[] due =
        [
            Timer(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero)),
            Timer(new DateTimeOffset(2026, 3, 8, 23, 59, 59, TimeSpan.Zero)),
            Timer(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.FromHours(8))), // 9 March UTC
            Timer(Now - TimeSpan.FromMinutes(1)),
            Timer(Now),
        ];
        DurableTimer[] notDue =
        [
            Timer(Now + TimeSpan.FromSeconds(1)),
            Timer(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero)),
            Timer(new DateTimeOffset(2026, 3, 11, 1, 0, 0, TimeSpan.FromHours(8))), // still 10 March UTC, but later today
            Timer(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        ];
        foreach (var timer in due.Concat(notDue))
        {
            await index.ScheduleAsync(timer, CancellationToken.None);
        }

        var found = new List<DurableTimer>();
        await foreach (var timer in index.DueAsync(Now, CancellationToken.None))
        {
            found.Add(timer);
        }

        Assert.Equal(due.Select(t => t.CaseId).Order(StringComparer.Ordinal), found.Select(t => t.CaseId).Order(StringComparer.Ordinal));
        Assert.All(found, t => Assert.Equal(due.Single(d => d.CaseId == t.CaseId), t));
        var days = found.Select(t => DateOnly.FromDateTime(t.DueAt.UtcDateTime)).ToList();
        Assert.Equal(days.Order(), days);
        Assert.Equal(due.Length + notDue.Length, (await DurableStorage.IndexedAsync(index)).Count);
    }

    [Fact]
    public async Task Scheduling_again_keeps_one_index_row_and_removing_twice_is_fine()
    {
        var index = await _storage.NewTimerIndexAsync(new TestClock(Now));
        var timer = Timer(Now.AddDays(2));

        await index.ScheduleAsync(timer, CancellationToken.None);
        await index.ScheduleAsync(timer, CancellationToken.None);
        Assert.Equal([timer], await DurableStorage.IndexedAsync(index));

        await index.RemoveAsync(timer, CancellationToken.None);
        await index.RemoveAsync(timer, CancellationToken.None);
        await index.RemoveAsync(Timer(Now), CancellationToken.None);

        Assert.Empty(await DurableStorage.IndexedAsync(index));
    }

    [Fact]
    public async Task A_timer_due_in_three_seconds_shows_on_the_queue_in_the_second_before_it_is_due_not_at_once()
    {
        var index = await _storage.NewTimerIndexAsync(TimeProvider.System);
        await _storage.ClearTimerQueueAsync();
        var timer = Timer(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();

        await index.ScheduleAsync(timer, CancellationToken.None);
        var atOnce = await PeekAsync(timer);
        Assert.Null(atOnce);

        string? text;
        while ((text = await PeekAsync(timer)) is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.NotNull(text);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.True(DateTimeOffset.UtcNow > timer.DueAt - TimerIndex.HoldLimit, "shown no earlier than its handler holds a message");
        Assert.Equal(timer, JsonSerializer.Deserialize<DurableTimer>(text, JsonSerializerOptions.Web));
        Assert.Equal(1, (await _storage.TimerQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_timer_beyond_the_horizon_waits_in_the_index_and_is_queued_once_when_a_promotion_finds_it_within()
    {
        var clock = new TestClock(Now);
        var index = await _storage.NewTimerIndexAsync(clock);
        await _storage.ClearTimerQueueAsync();
        var far = Timer(Now.AddDays(30));
        var soon = Timer(Now + TimerIndex.Horizon - TimeSpan.FromMinutes(1));

        await index.ScheduleAsync(far, CancellationToken.None);
        Assert.Equal(0, await QueuedCountAsync());
        Assert.False(await IsMarkedQueuedAsync(index, far));

        // Within the horizon when scheduled: queued at once, and a promotion adds nothing.
        await index.ScheduleAsync(soon, CancellationToken.None);
        Assert.Equal(1, await QueuedCountAsync());
        Assert.True(await IsMarkedQueuedAsync(index, soon));
        Assert.Equal(0, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).Queued);

        // Months later the far timer comes within the horizon: one promotion queues it (hidden until due), the next none.
        clock.Set(far.DueAt - TimerIndex.Horizon + TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).Queued);
        Assert.Equal(0, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).Queued);
        Assert.Equal(2, await QueuedCountAsync());
        Assert.True(await IsMarkedQueuedAsync(index, far));
        Assert.Null(await PeekAsync(far));
        Assert.Equal(new[] { soon, far }, (await DurableStorage.IndexedAsync(index)).OrderBy(t => t.DueAt));
    }

    [Fact]
    public async Task A_promotion_leaves_timers_already_due_to_the_sweep_that_fires_them()
    {
        var clock = new TestClock(Now);
        var index = await _storage.NewTimerIndexAsync(clock);
        await _storage.ClearTimerQueueAsync();
        var timer = Timer(Now.AddDays(3));
        await index.ScheduleAsync(timer, CancellationToken.None);

        // The instance was down across the whole horizon: the timer is overdue, not "coming". Scheduled three days out, it
        // waited in the later table; the sweep moves it across and returns it due in the same pass.
        Assert.False(await IsNearAsync(index, timer));
        clock.Set(timer.DueAt + TimeSpan.FromMinutes(5));
        var sweep = await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal((0, 1), (sweep.Queued, sweep.MovedIn));
        Assert.Equal([timer], sweep.Due);
        Assert.Equal(0, await QueuedCountAsync());
        Assert.Equal([timer], await DurableStorage.IndexedAsync(index));
    }

    [Fact]
    public async Task A_sweep_query_returns_what_is_due_and_queues_what_comes_within_the_horizon_in_one_pass()
    {
        var clock = new TestClock(Now);
        var index = await _storage.NewTimerIndexAsync(clock);
        await _storage.ClearTimerQueueAsync();
        var overdue = Timer(Now.AddDays(1));
        var coming = Timer(Now.AddDays(2));
        var far = Timer(Now.AddDays(40));
        foreach (var timer in new[] { overdue, coming, far })
        {
            await index.ScheduleAsync(timer, CancellationToken.None);
        }

        clock.Set(coming.DueAt - TimeSpan.FromMinutes(3));
        var (due, queued, _) = await index.SweepAsync(clock.GetUtcNow() - TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal([overdue], due);
        Assert.Equal(1, queued);
        Assert.True(await IsMarkedQueuedAsync(index, coming));
        Assert.False(await IsMarkedQueuedAsync(index, far));
        Assert.Equal(1, await QueuedCountAsync());
        var again = await index.SweepAsync(clock.GetUtcNow() - TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal((1, 0), (again.Due.Count, again.Queued));
    }

    [Fact]
    public async Task A_timer_due_beyond_a_day_waits_in_the_later_table_and_a_sweep_moves_it_across_at_most_hourly_once_within_a_day()
    {
        var clock = new TestClock(Now);
        var index = await _storage.NewTimerIndexAsync(clock);
        var tomorrow = Timer(Now + TimerIndex.NearSpan - TimeSpan.FromMinutes(1));
        var later = Timer(Now + TimerIndex.NearSpan + TimeSpan.FromMinutes(10));
        await index.ScheduleAsync(tomorrow, CancellationToken.None);
        await index.ScheduleAsync(later, CancellationToken.None);
        Assert.True(await IsNearAsync(index, tomorrow));
        Assert.False(await IsNearAsync(index, later));

        // The first sweep of an instance moves in (nothing is due within a day yet).
        Assert.Equal(0, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).MovedIn);

        // Twenty minutes on the timer is within a day, but the last move-in was less than an hour ago: it stays.
        clock.Set(Now + TimeSpan.FromMinutes(20));
        Assert.Equal(0, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).MovedIn);
        Assert.False(await IsNearAsync(index, later));

        // An hour after the last: moved across, once, whole, and not yet queued; still indexed exactly once.
        clock.Set(Now + TimerIndex.MoveInInterval);
        Assert.Equal(1, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).MovedIn);
        Assert.True(await IsNearAsync(index, later));
        Assert.False((await index.Later.GetEntityIfExistsAsync(Partition(later), Key(later))).HasValue);
        Assert.False(await IsMarkedQueuedAsync(index, later));
        clock.Set(Now + 2 * TimerIndex.MoveInInterval);
        Assert.Equal(0, (await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None)).MovedIn);
        Assert.Equal(new[] { tomorrow, later }, (await DurableStorage.IndexedAsync(index)).OrderBy(t => t.DueAt));

        // Fired: its row goes from the near table; cancelled far away: from the later one.
        var far = Timer(Now.AddDays(90));
        await index.ScheduleAsync(far, CancellationToken.None);
        await index.RemoveAsync(later, CancellationToken.None);
        await index.RemoveAsync(far, CancellationToken.None);
        Assert.Equal([tomorrow], await DurableStorage.IndexedAsync(index));
    }

    [Fact]
    public async Task A_move_in_keeps_a_copy_already_queued_in_the_near_table_queued()
    {
        var clock = new TestClock(Now);
        var index = await _storage.NewTimerIndexAsync(clock);
        await _storage.ClearTimerQueueAsync();
        var timer = Timer(Now + TimeSpan.FromDays(3));

        // Scheduled far out, then again once it is soon (a restarted step): a stale copy waits in the later table.
        await index.ScheduleAsync(timer, CancellationToken.None);
        clock.Set(timer.DueAt - TimeSpan.FromMinutes(5));
        await index.ScheduleAsync(timer, CancellationToken.None);
        Assert.True(await IsMarkedQueuedAsync(index, timer));
        Assert.Equal(1, await QueuedCountAsync());

        var sweep = await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal((1, 0), (sweep.MovedIn, sweep.Queued));
        Assert.True(await IsMarkedQueuedAsync(index, timer));
        Assert.Equal(1, await QueuedCountAsync());
        Assert.False((await index.Later.GetEntityIfExistsAsync(Partition(timer), Key(timer))).HasValue);
    }

    [Fact]
    public async Task A_move_in_that_fails_is_reported_does_not_hold_up_the_due_timers_and_is_tried_again_at_the_next_sweep()
    {
        var clock = new TestClock(Now);
        var near = await _storage.NewTableAsync("timers");
        var later = _storage.Tables.GetTableClient(AzuriteFixture.UniqueName("timerslater")); // not there yet
        var index = new TimerIndex(near, later, _storage.Base64Queues, clock);
        var overdue = Timer(Now - TimeSpan.FromMinutes(5));
        await index.ScheduleAsync(overdue, CancellationToken.None);

        var failed = await index.SweepAsync(clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal([overdue], failed.Due);
        Assert.Contains("later timers", failed.MoveInFailure, StringComparison.Ordinal);

        // The table comes back (the bootstrap makes what is missing) and a timer waits in it. Twenty minutes on, less than
        // an hour after the failed attempt, it is within a day, and the next sweep moves it in: a failed move-in is not a
        // done one.
        await later.CreateIfNotExistsAsync();
        var far = Timer(Now + TimerIndex.NearSpan + TimeSpan.FromMinutes(10));
        await index.ScheduleAsync(far, CancellationToken.None);
        Assert.False(await IsNearAsync(index, far));
        clock.Set(Now + TimeSpan.FromMinutes(20));
        var again = await index.SweepAsync(clock.GetUtcNow() - TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Null(again.MoveInFailure);
        Assert.Equal(1, again.MovedIn);
        Assert.True(await IsNearAsync(index, far));
    }

    private static string Partition(DurableTimer timer) => TimerIndex.Row(timer).PartitionKey!;

    private static string Key(DurableTimer timer) => TimerIndex.Row(timer).RowKey!;

    private static async Task<bool> IsNearAsync(TimerIndex index, DurableTimer timer) =>
        (await index.Table.GetEntityIfExistsAsync(Partition(timer), Key(timer))).HasValue;

    private async Task<int> QueuedCountAsync() => (await _storage.TimerQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private static async Task<bool> IsMarkedQueuedAsync(TimerIndex index, DurableTimer timer)
    {
        var row = await index.Table.GetEntityIfExistsAsync(Partition(timer), Key(timer));
        row = row.HasValue ? row : await index.Later.GetEntityIfExistsAsync(Partition(timer), Key(timer));
        return row.Value!.GetBoolean("Queued") ?? false;
    }

    private async Task<string?> PeekAsync(DurableTimer timer) =>
        (await _storage.TimerQueue.PeekMessagesAsync(32)).Value.Select(m => m.MessageText).FirstOrDefault(t => t.Contains(timer.CaseId, StringComparison.Ordinal));
}
