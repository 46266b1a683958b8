using LandRedevelopment.Cases;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

/// <summary>
/// The case row keeps its own list of timers and its evidence tally, written in the same transaction as the timer and
/// evidence rows, so a transition needs no query of its partition. On real Azurite: the row agrees with the rows it
/// summarises after every kind of write, and rows stored before the case row kept them get them on their next write.
/// </summary>
[Collection(DurableStorageCollection.Name)]
public class CaseRowBookkeepingTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = ReviewWorld.Start;
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly DurableStorage _storage = new(azurite);

    private static EvidenceFile Pending(string name) => new(name, new string('a', 64), 1024, "image/jpeg", EvidenceStatus.Pending, null, null, null);

    private async Task<(CaseStore Store, string CaseId)> NewCaseAsync(params string[] files)
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);
        await store.EnsureCreatedAsync();
        var caseId = AzuriteFixture.UniqueName("c");
        Assert.True(await store.CreateAsync(
            ReviewWorld.NewCase(caseId, CaseState.AwaitingEvidence, Start, version: 1), files.Select(Pending).ToList(), [("Created", new { })], ReviewWorld.Geometry, None));
        return (store, caseId);
    }

    private static async Task<ParcelCase> CaseAsync(CaseStore store, string caseId) => (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value.Case;

    private static async Task AssertTimersAgreeAsync(CaseStore store, string caseId, params string[] expected)
    {
        var rows = (await store.GetTimerRowsAsync(ReviewWorld.TenantId, caseId, None)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(t => t.Key));
        var kept = (await CaseAsync(store, caseId)).Timers;
        Assert.NotNull(kept);
        Assert.Equal(rows.Select(t => (t.Key, t.DueAt)), kept.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)));
    }

    /// <summary>Strips the case row of the columns rows stored before this bookkeeping lack.</summary>
    private async Task MakeLegacyAsync(string caseId)
    {
        var cases = _storage.Tables.GetTableClient("cases");
        var row = (await cases.GetEntityAsync(CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), "case")).Value;
        row.Remove("Timers");
        row.Remove("EvidenceDeclared");
        row.Remove("EvidenceVerified");
        await cases.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        var legacy = await CaseAsync(new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System), caseId);
        Assert.Null(legacy.Timers);
        Assert.Null(legacy.Evidence);
    }

    [Fact]
    public async Task A_new_case_row_lists_no_timers_and_tallies_its_declared_files()
    {
        var (store, caseId) = await NewCaseAsync("north.jpg", "south.jpg");
        var created = await CaseAsync(store, caseId);
        Assert.Equal(new EvidenceTally(2, 0), created.Evidence);
        Assert.NotNull(created.Timers);
        Assert.Empty(created.Timers);
    }

    [Fact]
    public async Task Set_and_cancelled_timers_are_listed_on_the_case_row_as_their_rows_are_written()
    {
        var (store, caseId) = await NewCaseAsync("north.jpg");
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value;
        await store.CommitAsync(new CaseTransition(read with { Version = 2 }, etag)
        {
            Events = [new NewCaseEvent("Set", null, new { })],
            SetTimers = [new CaseTimer("timer-a", Start.AddDays(5)), new CaseTimer("timer-b", Start.AddDays(6))],
        }, None);
        await AssertTimersAgreeAsync(store, caseId, "timer-a", "timer-b");

        (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value;
        var listed = await store.GetTimersAsync(read, None);
        Assert.Equal(["timer-a", "timer-b"], listed.Select(t => t.Key));
        await store.CommitAsync(new CaseTransition(read with { Version = 3 }, etag)
        {
            Events = [new NewCaseEvent("Swap", null, new { })],
            CancelTimers = [listed[0]],
            SetTimers = [new CaseTimer("timer-c", Start.AddDays(7))],
        }, None);
        await AssertTimersAgreeAsync(store, caseId, "timer-b", "timer-c");
    }

    [Fact]
    public async Task Verifications_count_up_to_completion_without_listing_the_evidence()
    {
        var (store, caseId) = await NewCaseAsync("north.jpg", "south.jpg");
        var one = await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "north.jpg", "b/north.jpg", "0x1", None);
        Assert.Equal(CaseState.AwaitingEvidence, one.State);
        Assert.Equal(new EvidenceTally(2, 1), (await CaseAsync(store, caseId)).Evidence);

        var again = await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "north.jpg", "b/north.jpg", "0x1", None);
        Assert.Equal(new EvidenceTally(2, 1), (await CaseAsync(store, caseId)).Evidence);
        Assert.Equal(one.Version, again.Version);

        var both = await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "south.jpg", "b/south.jpg", "0x2", None);
        Assert.Equal(CaseState.ReadyForReview, both.State);
        Assert.Equal(new EvidenceTally(2, 2), (await CaseAsync(store, caseId)).Evidence);
        var completed = (await store.GetEventsAsync(ReviewWorld.TenantId, caseId, None)).Single(e => e.Type == "SurveyCompleted");
        Assert.Equal(2, completed.Data.GetProperty("evidence").GetInt32());
    }

    [Fact]
    public async Task A_verification_given_a_stale_read_of_the_case_reads_again_and_counts_right()
    {
        var (store, caseId) = await NewCaseAsync("north.jpg", "south.jpg");
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value;
        var north = (await store.GetEvidenceFileAsync(ReviewWorld.TenantId, caseId, "north.jpg", None))!;

        // Another upload commits between the caller's read and its verification.
        await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "south.jpg", "b/south.jpg", "0x2", None);
        var both = await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "north.jpg", "b/north.jpg", "0x1", None, (read, etag, north));

        Assert.Equal(CaseState.ReadyForReview, both.State);
        Assert.Equal(new EvidenceTally(2, 2), (await CaseAsync(store, caseId)).Evidence);
        Assert.Equal(["EvidenceVerified", "EvidenceVerified", "SurveyCompleted"],
            (await store.GetEventsAsync(ReviewWorld.TenantId, caseId, None)).Skip(1).Select(e => e.Type));
    }

    [Fact]
    public async Task Evidence_added_by_a_transition_is_tallied_and_must_be_verified_before_completion()
    {
        var (store, caseId) = await NewCaseAsync("north.jpg");
        await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "north.jpg", "b/north.jpg", "0x1", None);
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value;
        await store.CommitAsync(new CaseTransition(read with { Version = read.Version + 1, State = CaseState.ReturnedForRework }, etag)
        {
            Events = [new NewCaseEvent("Resubmitted", null, new { })],
            AddEvidence = [Pending("plan.pdf") with { ContentType = "application/pdf" }],
        }, None);
        Assert.Equal(new EvidenceTally(2, 1), (await CaseAsync(store, caseId)).Evidence);

        await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "plan.pdf", "b/plan.pdf", "0x3", None);
        Assert.Equal(new EvidenceTally(2, 2), (await CaseAsync(store, caseId)).Evidence);
        Assert.Equal(2, (await store.GetEvidenceAsync(ReviewWorld.TenantId, caseId, None)).Count(f => f.Status == EvidenceStatus.Verified));
    }

    [Fact]
    public async Task A_case_row_stored_before_the_bookkeeping_gets_it_on_its_next_write()
    {
        var (store, caseId) = await NewCaseAsync("north.jpg", "south.jpg");
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value;
        await store.CommitAsync(new CaseTransition(read with { Version = 2 }, etag)
        {
            Events = [new NewCaseEvent("Set", null, new { })],
            SetTimers = [new CaseTimer("timer-a", Start.AddDays(5))],
        }, None);
        await MakeLegacyAsync(caseId);

        // Its timers are read from the timer rows, then listed on the row by the next commit.
        (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value;
        var listed = await store.GetTimersAsync(read, None);
        Assert.Equal(["timer-a"], listed.Select(t => t.Key));
        await store.CommitAsync(new CaseTransition(read with { Version = 3 }, etag)
        {
            Events = [new NewCaseEvent("More", null, new { })],
            SetTimers = [new CaseTimer("timer-b", Start.AddDays(6))],
        }, None);
        await AssertTimersAgreeAsync(store, caseId, "timer-a", "timer-b");

        // Its evidence is listed once to tally it.
        await MakeLegacyAsync(caseId);
        var one = await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "north.jpg", "b/north.jpg", "0x1", None);
        Assert.Equal(CaseState.AwaitingEvidence, one.State);
        Assert.Equal(new EvidenceTally(2, 1), (await CaseAsync(store, caseId)).Evidence);
        var both = await store.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "south.jpg", "b/south.jpg", "0x2", None);
        Assert.Equal(CaseState.ReadyForReview, both.State);
    }
}
