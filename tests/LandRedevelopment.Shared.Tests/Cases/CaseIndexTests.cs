using LandRedevelopment.Cases;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Shared.Tests.Review.Durable;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Cases;

/// <summary>
/// The case index on real Azurite for a case whose survey stopped between writing the case and its index row: a
/// transition writes no partial row, and the survey's retry writes the whole row with the state the case has by then.
/// </summary>
[Collection(DurableStorageCollection.Name)]
public class CaseIndexTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = ReviewWorld.Start;

    private readonly DurableStorage _storage = new(azurite);

    [Fact]
    public async Task A_transition_of_a_case_without_its_index_row_writes_no_partial_row_and_the_full_row_is_written_after_it()
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);
        await store.EnsureCreatedAsync();
        var surveyed = ReviewWorld.NewCase(AzuriteFixture.UniqueName("c"), CaseState.AwaitingEvidence, Start, version: 1);
        Assert.True(await store.CreateAsync(surveyed, [], [("SurveySubmitted", new { })], ReviewWorld.Geometry, None));
        var index = _storage.Tables.GetTableClient("caseindex");

        var (read, etag) = (await store.GetAsync(surveyed.TenantId, surveyed.CaseId, None))!.Value;
        await store.CommitAsync(new CaseTransition(read with { State = CaseState.ReadyForReview, Version = 2, UpdatedAt = Start.AddMinutes(1) }, etag)
        {
            Events = [new NewCaseEvent("SurveyCompleted", "system", new { })],
        }, None);
        Assert.False((await index.GetEntityIfExistsAsync(surveyed.TenantId, surveyed.CaseId)).HasValue);

        // The survey's retry writes the row from the case as it read it before the transition: the row still ends with
        // the case's state now.
        await store.UpsertIndexAsync(surveyed, (84.87, 45.59, 84.88, 45.60), ReviewWorld.Geometry, None);
        var row = (await index.GetEntityIfExistsAsync(surveyed.TenantId, surveyed.CaseId)).Value!;
        Assert.Equal(surveyed.LandCode, row.GetString("LandCode"));
        Assert.Equal((double)surveyed.AreaM2, row.GetDouble("AreaM2"));
        Assert.Equal(84.88, row.GetDouble("MaxLon"));
        Assert.Equal(nameof(CaseState.ReadyForReview), row.GetString("State"));
        var found = await store.InEnvelopeAsync(surveyed.TenantId, (84.875, 45.595, 84.876, 45.596), None);
        Assert.Contains(found, f => f.Summary.CaseId == surveyed.CaseId && f.Summary.LandCode == surveyed.LandCode);
    }
}
