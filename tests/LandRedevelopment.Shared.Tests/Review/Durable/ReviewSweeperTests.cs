using LandRedevelopment.Outbox;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

/// <summary>The sweeper on real Azurite: fires due timers from the index (once, even when sweeps race), clears cancelled ones, relays leftovers.</summary>
[Collection(DurableStorageCollection.Name)]
public class ReviewSweeperTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_periodic_sweep_leaves_timers_just_due_to_their_queue_messages_and_fires_them_once_overdue_by_the_grace()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var (caseId, first) = await world.StartedCaseAsync();

        world.Clock.Set(first.StepRemindAt!.Value + ReviewSweeper.TimerGrace - TimeSpan.FromSeconds(5));
        var early = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, ReviewSweeper.TimerGrace, None);
        Assert.Equal((0, 0), (early.TimersFired, early.TimersCleared));
        Assert.False((await world.StateAsync(caseId)).Reminded);

        world.Clock.Set(first.StepRemindAt!.Value + ReviewSweeper.TimerGrace);
        var late = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, ReviewSweeper.TimerGrace, None);
        Assert.Equal((1, 0), (late.TimersFired, late.TimersCleared));
        Assert.True((await world.StateAsync(caseId)).Reminded);
    }

    [Fact]
    public async Task A_sweep_fires_due_timers_from_the_index_removes_their_rows_and_clears_cancelled_ones()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var (caseId, first) = await world.StartedCaseAsync();
        var firstKeys = ReviewTimers.Desired(first).OrderBy(t => t.DueAt).Select(t => t.Key).ToList();

        var early = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);
        Assert.Equal((0, 0), (early.TimersFired, early.TimersCleared));
        Assert.Empty(early.Failures);
        Assert.Equal(firstKeys.Order(StringComparer.Ordinal), await world.IndexedKeysAsync(caseId));

        // The reminder is due: the sweep fires it and drops its index row; the deadline's stays.
        world.Clock.Set(first.StepRemindAt!.Value + TimeSpan.FromMinutes(1));
        var reminded = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);

        Assert.Equal((1, 0), (reminded.TimersFired, reminded.TimersCleared));
        Assert.True((await world.StateAsync(caseId)).Reminded);
        Assert.Equal([firstKeys[1]], await world.IndexedKeysAsync(caseId));

        // The step is decided before its deadline: the deadline's timer row is cancelled, its index row stays behind.
        var approved = await world.DecideAsync(caseId, ReviewWorld.FirstStep, 1, ReviewWorld.DistrictBureau, DecisionAction.Approve);
        Assert.Equal(ReviewOutcomeKind.Applied, approved.Kind);
        var second = approved.State;
        Assert.Contains(firstKeys[1], await world.IndexedKeysAsync(caseId));
        Assert.True(second.StepRemindAt > first.StepDueAt, "the next step's reminder should come after the first step's deadline");

        world.Clock.Set(first.StepDueAt!.Value + TimeSpan.FromMinutes(1));
        var cleared = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);

        Assert.Equal((0, 1), (cleared.TimersFired, cleared.TimersCleared));
        Assert.Equal(ReviewWorld.DesiredKeys(second), await world.IndexedKeysAsync(caseId));
        Assert.DoesNotContain(await world.EventsAsync(caseId), e => e.Type == "StepOverdue");

        // Both of the next step's timers are due; two sweeps race over them: each fires once, in due order.
        world.Clock.Set(second.StepDueAt!.Value + TimeSpan.FromMinutes(1));
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None))));

        Assert.Equal(2, sweeps.Sum(s => s.TimersFired));
        Assert.All(sweeps, s => Assert.Empty(s.Failures));
        // What stays is the overdue step's first weekly reminder.
        var weekly = Assert.Single(await world.TimerKeysAsync(caseId));
        Assert.IsType<OverdueReminderDue>(ReviewTimers.CommandFor(weekly));
        Assert.Equal([weekly], await world.IndexedKeysAsync(caseId));
        var timerEvents = (await world.EventsAsync(caseId)).Where(e => e.Actor == ReviewService.TimerActor).Select(e => e.Type);
        Assert.Equal(["ReminderRaised", "ReminderRaised", "StepOverdue"], timerEvents);
        Assert.True((await world.StateAsync(caseId)).Overdue);
    }

    [Fact]
    public async Task A_sweep_relays_what_a_stopped_instance_left_in_the_outbox()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var caseId = await world.NewReadyCaseAsync();
        var stopped = new ReviewService(world.Cases, world.Tenants, new ReviewOptions(), world.Clock, relay: null);

        // Committed, never relayed: as if the app died right after the commit.
        var started = await stopped.OnEvidenceCompleteAsync(ReviewWorld.TenantId, caseId, None);
        Assert.Equal(ReviewOutcomeKind.Applied, started.Kind);
        var left = await world.OutboxRowsAsync(caseId);
        Assert.Equal(3, left.Count); // one mail, two timers
        Assert.Empty(world.MailsFor(caseId));
        Assert.Empty(await world.IndexedKeysAsync(caseId));

        var young = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);
        Assert.Equal(left, await world.OutboxRowsAsync(caseId));

        world.Clock.Advance(ReviewSweeper.OutboxGrace + TimeSpan.FromSeconds(1));
        var swept = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);

        // The first sweep scanned the whole table; the second found the rows through the mark their commit left.
        Assert.Equal((true, false), (young.FullOutboxScan, swept.FullOutboxScan));

        Assert.True(swept.Relayed.Delivered >= 3, $"relayed {swept.Relayed.Delivered}; failures: {string.Join("; ", swept.Relayed.Failures)}");
        Assert.Empty(await world.OutboxRowsAsync(caseId));
        Assert.Equal(["decision-request"], world.MailsFor(caseId).Select(m => m.Kind));
        Assert.Equal(ReviewWorld.DesiredKeys(started.State), await world.IndexedKeysAsync(caseId));
        Assert.Equal(0, young.TimersFired);
        Assert.DoesNotContain(young.Relayed.Failures, f => f.Contains(caseId, StringComparison.Ordinal));
    }
    [Fact]
    public async Task The_first_sweep_of_an_instance_scans_the_whole_outbox_and_then_once_a_day()
    {
        var world = await ReviewWorld.CreateAsync(azurite);

        var first = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);
        world.Clock.Advance(TimeSpan.FromMinutes(30));
        var next = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);
        world.Clock.Advance(ReviewSweeper.FullOutboxScanInterval - TimeSpan.FromMinutes(31));
        var beforeADay = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);
        world.Clock.Advance(TimeSpan.FromMinutes(1));
        var aDayOn = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);
        var after = await world.Sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);

        Assert.Equal([true, false, false, true, false], new[] { first, next, beforeADay, aDayOn, after }.Select(s => s.FullOutboxScan));
    }

    [Fact]
    public async Task Many_cases_due_at_once_fire_side_by_side_and_each_cases_own_timers_fire_in_turn_in_due_order()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var owner = new RecordingOwner();
        var sweeper = new ReviewSweeper(world.Timers, world.Review, world.Relay, world.Clock, new CaseTimers([owner]));
        var now = world.Clock.GetUtcNow();
        var cases = Enumerable.Range(0, ReviewSweeper.CasesAtOnce * 3).Select(i => $"c{i:00}").ToList();
        foreach (var caseId in cases)
        {
            // Indexed out of order; the second timer of each case fell due first.
            await world.Timers.ScheduleAsync(new DurableTimer(ReviewWorld.TenantId, caseId, "t:b", now.AddHours(1)), None);
            await world.Timers.ScheduleAsync(new DurableTimer(ReviewWorld.TenantId, caseId, "t:a", now.AddMinutes(30)), None);
        }

        world.Clock.Advance(TimeSpan.FromHours(2));
        var swept = await sweeper.SweepAsync(ReviewSweeper.OutboxGrace, None);

        Assert.Empty(swept.Failures);
        Assert.Equal(cases.Count * 2, swept.TimersFired);
        foreach (var caseId in cases)
        {
            Assert.Equal(["t:a", "t:b"], owner.Fired.Where(f => f.CaseId == caseId).Select(f => f.Key));
            Assert.Empty(await world.IndexedKeysAsync(caseId));
        }

        Assert.Equal(1, owner.MostAtOnceInOneCase);
        Assert.InRange(owner.MostAtOnce, 2, ReviewSweeper.CasesAtOnce);
    }

    /// <summary>Fires every timer it is given after a short wait, recording the order and how many were in flight.</summary>
    private sealed class RecordingOwner : ICaseTimerOwner
    {
        private readonly Dictionary<string, int> _inCase = [];
        private int _inFlight;

        public List<(string CaseId, string Key)> Fired { get; } = [];

        public int MostAtOnce { get; private set; }

        public int MostAtOnceInOneCase { get; private set; }

        public bool Owns(string key) => key.StartsWith("t:", StringComparison.Ordinal);

        public async Task<TimerFiring> FireAsync(string tenantId, string caseId, string key, DateTimeOffset dueAt, CancellationToken ct)
        {
            lock (Fired)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_inFlight);
                _inCase[caseId] = _inCase.GetValueOrDefault(caseId) + 1;
                MostAtOnceInOneCase = Math.Max(MostAtOnceInOneCase, _inCase[caseId]);
            }

            await Task.Delay(20, ct);
            lock (Fired)
            {
                _inFlight--;
                _inCase[caseId]--;
                Fired.Add((caseId, key));
            }

            return TimerFiring.Applied;
        }
    }
}
