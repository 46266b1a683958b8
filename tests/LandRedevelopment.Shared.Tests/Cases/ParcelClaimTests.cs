using LandRedevelopment.Cases;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Shared.Tests.Review.Durable;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Cases;

/// <summary>
/// One live case per land code, on real Azurite: a parcel claim whose case is not written yet stays with its request for
/// <see cref="CaseStore.ParcelClaimGrace"/>, and a case is created only while its claim is its own.
/// </summary>
[Collection(DurableStorageCollection.Name)]
public class ParcelClaimTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = ReviewWorld.Start;

    private readonly DurableStorage _storage = new(azurite);

    private async Task<CaseStore> StoreAsync(TimeProvider time)
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, time);
        await store.EnsureCreatedAsync();
        return store;
    }

    private static ParcelCase Survey(string landCode) =>
        ReviewWorld.NewCase(AzuriteFixture.UniqueName("c"), CaseState.AwaitingEvidence, Start, version: 1) with { LandCode = landCode };

    private static Task<string> ClaimAsync(CaseStore store, ParcelCase survey) =>
        store.ClaimParcelAsync(survey.TenantId, survey.LandCode, survey.CaseId, releases: c => c.State is CaseState.Rejected or CaseState.ScreenedOut, None);

    private static Task<CaseCreation> CreateAsync(CaseStore store, ParcelCase survey) =>
        store.CreateClaimedAsync(survey, [], [("SurveySubmitted", new { })], ReviewWorld.Geometry, None);

    private static Task<bool> WriteAsync(CaseStore store, ParcelCase survey) =>
        store.CreateAsync(survey, [], [("SurveySubmitted", new { })], ReviewWorld.Geometry, None);

    [Fact]
    public async Task A_claim_whose_case_is_being_written_stays_with_its_request_and_the_newcomer_gets_its_case()
    {
        var clock = new TestClock(Start);
        var store = await StoreAsync(clock);
        var landCode = AzuriteFixture.UniqueName("lc");
        var first = Survey(landCode);
        var second = Survey(landCode);

        Assert.Equal(first.CaseId, await ClaimAsync(store, first));
        // The first request has claimed but not yet written its case (it is screening): the second is refused with it.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(first.CaseId, await ClaimAsync(store, second));
        Assert.True(await WriteAsync(store, first));
        Assert.Equal(first.CaseId, await ClaimAsync(store, second));
    }

    [Fact]
    public async Task A_claim_left_by_a_request_that_died_passes_after_the_grace_and_that_request_can_no_longer_create_its_case()
    {
        var clock = new TestClock(Start);
        var store = await StoreAsync(clock);
        var landCode = AzuriteFixture.UniqueName("lc");
        var dead = Survey(landCode);
        var next = Survey(landCode);
        Assert.Equal(dead.CaseId, await ClaimAsync(store, dead));

        clock.Advance(CaseStore.ParcelClaimGrace - TimeSpan.FromSeconds(1));
        Assert.Equal(dead.CaseId, await ClaimAsync(store, next));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(next.CaseId, await ClaimAsync(store, next));

        // Had the first request only stalled, it finds its claim gone and writes nothing.
        Assert.Equal(CaseCreation.ParcelLost, await CreateAsync(store, dead));
        Assert.Null(await store.GetAsync(dead.TenantId, dead.CaseId, None));
        Assert.Equal(CaseCreation.Created, await CreateAsync(store, next));
        Assert.Equal(CaseCreation.Exists, await CreateAsync(store, next));
    }

    [Fact]
    public async Task A_stalled_request_fenced_off_between_its_claim_renewal_and_its_transaction_writes_nothing()
    {
        var clock = new TestClock(Start);
        var store = await StoreAsync(clock);
        var landCode = AzuriteFixture.UniqueName("lc");
        var stalled = Survey(landCode);
        var next = Survey(landCode);
        Assert.Equal(stalled.CaseId, await ClaimAsync(store, stalled));

        // The newcomer takes the claim over while the stalled request still believes it holds it; when the stalled
        // request comes back, the claim it would renew is gone and the fence in its partition would fail its transaction.
        clock.Advance(CaseStore.ParcelClaimGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(next.CaseId, await ClaimAsync(store, next));
        Assert.Equal(CaseCreation.Created, await CreateAsync(store, next));
        Assert.False(await WriteAsync(store, stalled));
        Assert.Null(await store.GetAsync(stalled.TenantId, stalled.CaseId, None));

        // Its retry later is refused with the live case.
        Assert.Equal(next.CaseId, await ClaimAsync(store, stalled));
    }

    [Fact]
    public async Task A_case_whose_claim_came_back_after_a_takeover_is_created_past_the_stale_fence()
    {
        var clock = new TestClock(Start);
        var store = await StoreAsync(clock);
        var landCode = AzuriteFixture.UniqueName("lc");
        var first = Survey(landCode);
        var takeover = Survey(landCode) with { State = CaseState.ScreenedOut };
        Assert.Equal(first.CaseId, await ClaimAsync(store, first));

        // The first request is taken for dead (its partition fenced) by a survey whose case is then closed.
        clock.Advance(CaseStore.ParcelClaimGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(takeover.CaseId, await ClaimAsync(store, takeover));
        Assert.Equal(CaseCreation.Created, await CreateAsync(store, takeover));

        // The first survey's retry gets the parcel back; the fence left in its partition no longer stands in its way.
        Assert.Equal(first.CaseId, await ClaimAsync(store, first));
        Assert.Equal(CaseCreation.Created, await CreateAsync(store, first));
        Assert.Equal(CaseCreation.Exists, await CreateAsync(store, first));
        Assert.NotNull(await store.GetAsync(first.TenantId, first.CaseId, None));
    }

    [Fact]
    public async Task Concurrent_surveys_of_one_land_code_create_exactly_one_case()
    {
        var store = await StoreAsync(TimeProvider.System);
        var landCode = AzuriteFixture.UniqueName("lc");
        var surveys = Enumerable.Range(0, 8).Select(_ => Survey(landCode)).ToList();

        var outcomes = await Task.WhenAll(surveys.Select(async survey =>
        {
            var holder = await ClaimAsync(store, survey);
            return (holder, holder == survey.CaseId && await WriteAsync(store, survey));
        }));

        var (winner, _) = Assert.Single(outcomes, o => o.Item2);
        Assert.All(outcomes, o => Assert.Equal(winner, o.Item1));
        var written = 0;
        foreach (var survey in surveys)
        {
            written += await store.GetAsync(survey.TenantId, survey.CaseId, None) is null ? 0 : 1;
        }

        Assert.Equal(1, written);
    }
}
