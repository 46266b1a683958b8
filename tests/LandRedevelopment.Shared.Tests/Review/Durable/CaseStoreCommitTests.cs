using Azure;
using LandRedevelopment.Cases;
using LandRedevelopment.Outbox;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

/// <summary>
/// <see cref="CaseStore.CommitAsync"/> on real Azurite: the case row, events, outbox, evidence and timer rows of a
/// transition go in one entity-group transaction — all or nothing. No relay here, so the rows stay to be looked at;
/// the outbox rows are queue messages to a throwaway queue, harmless should a later sweep relay them.
/// </summary>
[Collection(DurableStorageCollection.Name)]
public class CaseStoreCommitTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = ReviewWorld.Start;

    private readonly DurableStorage _storage = new(azurite);
    private readonly string _throwawayQueue = AzuriteFixture.UniqueName("unused");

    private async Task<(CaseStore Store, string CaseId)> NewCaseAsync(int events = 1)
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);
        await store.EnsureCreatedAsync();
        var caseId = AzuriteFixture.UniqueName("c");
        var created = await store.CreateAsync(
            ReviewWorld.NewCase(caseId, CaseState.AwaitingEvidence, Start, version: events),
            [new EvidenceFile("site-photo.jpg", new string('a', 64), 1024, "image/jpeg", EvidenceStatus.Pending, null, null, null)],
            Enumerable.Range(1, events).Select(i => ("Created" + i, (object)new { i })).ToList(),
            ReviewWorld.Geometry, CancellationToken.None);
        Assert.True(created);
        return (store, caseId);
    }

    /// <summary>A case at version 2 whose second transition set the timer <paramref name="key"/>, as read back (with its ETag).</summary>
    private async Task<(CaseStore Store, string CaseId, CaseTimer Timer)> CaseWithTimerAsync(string key)
    {
        var (store, caseId) = await NewCaseAsync();
        var (read, etag) = await ReadAsync(store, caseId);
        await store.CommitAsync(new CaseTransition(read with { Version = 2 }, etag)
        {
            Events = [Event("Set")],
            SetTimers = [new CaseTimer(key, Start.AddDays(1))],
        }, CancellationToken.None);
        return (store, caseId, Assert.Single(await store.GetTimerRowsAsync(ReviewWorld.TenantId, caseId, CancellationToken.None)));
    }

    private static async Task<(ParcelCase Case, ETag ETag)> ReadAsync(CaseStore store, string caseId) =>
        (await store.GetAsync(ReviewWorld.TenantId, caseId, CancellationToken.None))!.Value;

    private OutboxMessage Signal(string caseId, int version) =>
        OutboxMessage.Queue(_throwawayQueue, new CaseSignal(ReviewWorld.TenantId, caseId, "test", version));

    private static NewCaseEvent Event(string type) => new(type, "officer:test", new { type });

    /// <summary>Every row of the case's partition, by key, to compare before and after.</summary>
    private async Task<List<string>> PartitionAsync(string caseId) =>
        (await DurableStorage.RowsAsync(_storage.Tables.GetTableClient("cases"), CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), ""))
            .Select(r => $"{r.RowKey}@{r.ETag}").Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_transition_with_a_stale_ETag_fails_with_412_and_writes_nothing()
    {
        var (store, caseId) = await NewCaseAsync();
        var (read, staleETag) = await ReadAsync(store, caseId);

        // The transition that wins: one event, an outbox row, a timer.
        var won = read with { State = CaseState.ReadyForReview, Version = 2, UpdatedAt = Start.AddMinutes(1) };
        await store.CommitAsync(new CaseTransition(won, staleETag)
        {
            Events = [Event("Won")],
            Outbox = [Signal(caseId, 2)],
            SetTimers = [new CaseTimer("timer-a", Start.AddDays(5))],
        }, CancellationToken.None);
        var timerA = Assert.Single(await store.GetTimerRowsAsync(ReviewWorld.TenantId, caseId, CancellationToken.None));
        var before = await PartitionAsync(caseId);

        // The one that lost the race, decided on the old read: every kind of row, all of which must roll back.
        var lost = read with { State = CaseState.InReview, Version = 3, UpdatedAt = Start.AddMinutes(2), Review = "{}" };
        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.CommitAsync(new CaseTransition(lost, staleETag)
        {
            Events = [Event("Lost1"), Event("Lost2")],
            Outbox = [Signal(caseId, 3), Signal(caseId, 3)],
            AddEvidence = [new EvidenceFile("extra.pdf", new string('b', 64), 2048, "application/pdf", EvidenceStatus.Pending, null, null, null)],
            SetTimers = [new CaseTimer("timer-b", Start.AddDays(6))],
            CancelTimers = [timerA],
        }, CancellationToken.None));

        Assert.Equal(412, e.Status);
        Assert.Equal(0, e.FailedTransactionActionIndex);
        Assert.Equal(before, await PartitionAsync(caseId));
        var (after, _) = await ReadAsync(store, caseId);
        Assert.Equal((CaseState.ReadyForReview, 2, null), (after.State, after.Version, after.Review));
        Assert.Equal(["Created1", "Won"], (await store.GetEventsAsync(ReviewWorld.TenantId, caseId, CancellationToken.None)).Select(x => x.Type));
        Assert.Equal(["timer-a"], (await store.GetTimerRowsAsync(ReviewWorld.TenantId, caseId, CancellationToken.None)).Select(t => t.Key));
        Assert.Equal(["site-photo.jpg"], (await store.GetEvidenceAsync(ReviewWorld.TenantId, caseId, CancellationToken.None)).Select(f => f.Name));
    }

    [Fact]
    public async Task Cancelling_a_timer_that_is_already_gone_fails_the_whole_transition_with_404()
    {
        var (store, caseId, timer) = await CaseWithTimerAsync("timer-remind-x-1");
        var (read, etag) = await ReadAsync(store, caseId);
        await store.CommitAsync(new CaseTransition(read with { Version = 3 }, etag) { Events = [Event("Fired")], CancelTimers = [timer] }, CancellationToken.None);

        // A transition read fresh (current case ETag) but holding an old list of timers: the cancel finds no row.
        (read, etag) = await ReadAsync(store, caseId);
        var before = await PartitionAsync(caseId);
        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.CommitAsync(
            new CaseTransition(read with { Version = 4 }, etag) { Events = [Event("Again")], Outbox = [Signal(caseId, 4)], CancelTimers = [timer] },
            CancellationToken.None));

        // Pinned: 404, which ReviewService does not retry (it retries 409/412), so it must read the timers on every attempt.
        Assert.Equal(404, e.Status);
        Assert.Equal(before, await PartitionAsync(caseId));
        Assert.Equal(3, (await ReadAsync(store, caseId)).Case.Version);
    }

    [Fact]
    public async Task Cancelling_a_timer_with_an_old_row_version_fails_with_412_and_setting_one_that_exists_with_409()
    {
        var (store, caseId, timer) = await CaseWithTimerAsync("timer-due-x-1");

        // The row changes after it was read (as a re-set would change it): the ETag the transition holds is old.
        await _storage.Tables.GetTableClient("cases").UpdateEntityAsync(
            new TableEntity(CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), timer.Key) { ["Touched"] = true }, ETag.All, TableUpdateMode.Merge);
        var before = await PartitionAsync(caseId);
        var (read, etag) = await ReadAsync(store, caseId);

        var stale = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.CommitAsync(
            new CaseTransition(read with { Version = 3 }, etag) { Events = [Event("Cancel")], CancelTimers = [timer] },
            CancellationToken.None));
        var exists = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.CommitAsync(
            new CaseTransition(read with { Version = 3 }, etag) { Events = [Event("SetAgain")], SetTimers = [new CaseTimer(timer.Key, Start.AddDays(2))] },
            CancellationToken.None));

        Assert.Equal((412, 409), (stale.Status, exists.Status));
        Assert.Equal(before, await PartitionAsync(caseId));
    }

    [Fact]
    public async Task A_transition_that_adds_outbox_rows_marks_them_and_one_without_does_not()
    {
        var (store, caseId) = await NewCaseAsync();
        var marks = new OutboxMarks(_storage.Tables.GetTableClient(OutboxMarks.TableName), TimeProvider.System);
        var partition = CaseStore.PartitionOf(ReviewWorld.TenantId, caseId);
        Assert.DoesNotContain(await marks.ListAsync(CancellationToken.None), m => m.Partition == partition);

        var (read, etag) = await ReadAsync(store, caseId);
        await store.CommitAsync(new CaseTransition(read with { Version = 2 }, etag) { Events = [Event("Quiet")] }, CancellationToken.None);
        Assert.DoesNotContain(await marks.ListAsync(CancellationToken.None), m => m.Partition == partition);

        (read, etag) = await ReadAsync(store, caseId);
        await store.CommitAsync(new CaseTransition(read with { Version = 3 }, etag) { Events = [Event("Signalled")], Outbox = [Signal(caseId, 3)] }, CancellationToken.None);
        var mark = Assert.Single(await marks.ListAsync(CancellationToken.None), m => m.Partition == partition);
        var written = await DurableStorage.RowsAsync(_storage.Tables.GetTableClient("cases"), partition, OutboxMessage.RowPrefix);
        Assert.Equal(written.Select(r => r.RowKey), mark.Rows);
    }

    [Fact]
    public async Task The_outbox_rows_a_commit_returns_carry_their_ETags_and_are_delivered_without_being_read_back_once()
    {
        var (store, caseId) = await NewCaseAsync();
        var (read, etag) = await ReadAsync(store, caseId);
        var written = await store.CommitAsync(new CaseTransition(read with { Version = 2 }, etag)
        {
            Events = [Event("Signalled")],
            Outbox = [Signal(caseId, 2)],
        }, CancellationToken.None);

        var row = Assert.Single(written);
        Assert.StartsWith(OutboxMessage.RowPrefix, row.RowKey, StringComparison.Ordinal);
        Assert.NotEqual(default, row.ETag);
        var stored = Assert.Single(await DurableStorage.RowsAsync(_storage.Tables.GetTableClient("cases"), CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), OutboxMessage.RowPrefix));
        Assert.Equal(stored.ETag, row.ETag);

        var clock = new TestClock(Start.AddMinutes(1));
        var relay = new OutboxRelay(_storage.Tables.GetTableClient("cases"), _storage.Base64Queues,
            await _storage.NewTimerIndexAsync(clock), new RecordingMailSender(), clock);
        var queue = _storage.Base64Queues.GetQueueClient(_throwawayQueue);
        await queue.CreateIfNotExistsAsync();
        Assert.Equal(1, (await relay.DeliverWrittenAsync(written, CancellationToken.None)).Delivered);
        Assert.Equal(0, (await relay.DeliverWrittenAsync(written, CancellationToken.None)).Delivered);
        Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.Empty(await DurableStorage.RowsAsync(_storage.Tables.GetTableClient("cases"), CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), OutboxMessage.RowPrefix));
    }

    [Fact]
    public async Task Event_numbers_continue_from_the_case_version_and_a_reused_number_fails_the_transition()
    {
        var (store, caseId) = await NewCaseAsync(events: 2);

        var (read, etag) = await ReadAsync(store, caseId);
        await store.CommitAsync(new CaseTransition(read with { Version = 5 }, etag) { Events = [Event("A"), Event("B"), Event("C")], Outbox = [Signal(caseId, 5)] }, CancellationToken.None);
        (read, etag) = await ReadAsync(store, caseId);

        // Timers only: no event, the version stays, and its outbox row does not collide with the version's earlier one.
        await store.CommitAsync(new CaseTransition(read, etag) { Outbox = [Signal(caseId, 5)], SetTimers = [new CaseTimer("timer-x", Start)] }, CancellationToken.None);
        (read, etag) = await ReadAsync(store, caseId);
        await store.CommitAsync(new CaseTransition(read with { Version = 6 }, etag) { Events = [Event("D")] }, CancellationToken.None);

        var events = await store.GetEventsAsync(ReviewWorld.TenantId, caseId, CancellationToken.None);
        Assert.Equal([1, 2, 3, 4, 5, 6], events.Select(x => x.Sequence));
        Assert.Equal(["Created1", "Created2", "A", "B", "C", "D"], events.Select(x => x.Type));
        Assert.Equal("officer:test", events[^1].Actor);
        Assert.Equal(2, (await DurableStorage.RowsAsync(_storage.Tables.GetTableClient("cases"), CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), OutboxMessage.RowPrefix)).Count);

        // A transition whose version does not count its events would overwrite history: the Add of event 6 conflicts.
        (read, etag) = await ReadAsync(store, caseId);
        var before = await PartitionAsync(caseId);
        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.CommitAsync(
            new CaseTransition(read, etag) { Events = [Event("Overwrites6")] }, CancellationToken.None));

        Assert.Equal(409, e.Status);
        Assert.Equal(before, await PartitionAsync(caseId));
    }
}
