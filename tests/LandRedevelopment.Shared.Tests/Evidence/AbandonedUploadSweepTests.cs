using LandRedevelopment.Cases;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Shared.Tests.Review.Durable;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Evidence;

/// <summary>
/// <see cref="CaseStore.SweepAbandonedBlobsAsync"/> on real Azurite: a tenant's direct uploads that no evidence file
/// refers to, the geometry of surveys whose case was never written and notices no committed event names are deleted once
/// older than the cut-off; the verified file's upload, a case's own geometry and notice, younger blobs and every other blob stay.
/// </summary>
[Collection(DurableStorageCollection.Name)]
public class AbandonedUploadSweepTests(AzuriteFixture azurite)
{
    private readonly DurableStorage _storage = new(azurite);

    private static string UploadId() => Guid.NewGuid().ToString("N");

    /// <summary>A tenant of its own with one case (and its geometry) written.</summary>
    private async Task<(string Tenant, CaseStore Store, string CaseId)> CaseAsync(string prefix, CaseState state, IReadOnlyList<EvidenceFile> evidence)
    {
        var tenant = AzuriteFixture.UniqueName(prefix);
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);
        await store.EnsureCreatedAsync();
        var caseId = AzuriteFixture.UniqueName("c");
        Assert.True(await store.CreateAsync(
            ReviewWorld.NewCase(caseId, state, ReviewWorld.Start, version: 1) with { TenantId = tenant }, evidence,
            [("SurveySubmitted", new { })], ReviewWorld.Geometry, CancellationToken.None));
        return (tenant, store, caseId);
    }

    private static async Task<string> WriteAsync(BlobContainerClient container, string name, int size)
    {
        await container.GetBlobClient(name).UploadAsync(new BinaryData(new byte[size]), new BlobUploadOptions());
        return name;
    }

    [Fact]
    public async Task Unreferenced_uploads_older_than_the_cut_off_are_deleted_and_nothing_else()
    {
        var (tenant, store, caseId) = await CaseAsync("sweep", CaseState.AwaitingEvidence,
        [
            new EvidenceFile("site-photo.jpg", new string('a', 64), 10, "image/jpeg", EvidenceStatus.Pending, null, null, null),
            new EvidenceFile("plan.pdf", new string('b', 64), 20, "application/pdf", EvidenceStatus.Pending, null, null, null),
        ]);
        var container = store.Container(tenant);
        Task<string> Write(string name, int size) => WriteAsync(container, name, size);

        // Old: the upload the photo's verification recorded, a second copy of the photo, an upload of the plan never
        // completed, one for a file no case declares, the plan sent through the app, and a blob under uploads/ that no
        // upload URL names.
        var verified = await Write(CaseStore.DirectUploadBlob(caseId, "site-photo.jpg", UploadId()), 10);
        await Write(CaseStore.DirectUploadBlob(caseId, "site-photo.jpg", UploadId()), 10);
        await Write(CaseStore.DirectUploadBlob(caseId, "plan.pdf", UploadId()), 20);
        await Write(CaseStore.DirectUploadBlob(caseId, "other.pdf", UploadId()), 30);
        var throughApp = await Write(CaseStore.EvidenceBlob(caseId, "plan.pdf"), 20);
        var notAnUpload = await Write($"cases/{caseId}/uploads/draft/plan.pdf", 5);
        var etag = (await container.GetBlobClient(verified).GetPropertiesAsync()).Value.ETag;
        await store.RecordEvidenceVerifiedAsync(tenant, caseId, "site-photo.jpg", verified, etag.ToString(), CancellationToken.None);

        // Storage dates blobs to the second: the cut-off falls a second after the old ones, and the young one a second after it.
        await Task.Delay(1100);
        var cutOff = DateTimeOffset.UtcNow;
        await Task.Delay(1100);
        var young = await Write(CaseStore.DirectUploadBlob(caseId, "plan.pdf", UploadId()), 20);

        var sweep = await store.SweepAbandonedBlobsAsync(tenant, cutOff, CancellationToken.None);
        var again = await store.SweepAbandonedBlobsAsync(tenant, cutOff, CancellationToken.None);

        Assert.Equal(new UploadSweep(Uploads: 5, Deleted: 3, DeletedBytes: 60), sweep);
        Assert.Equal(new UploadSweep(Uploads: 2, Deleted: 0, DeletedBytes: 0), again);
        var left = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            left.Add(blob.Name);
        }

        Assert.Equal(
            new[] { verified, throughApp, notAnUpload, young, $"cases/{caseId}/parcel.geojson" }.Order(StringComparer.Ordinal),
            left.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Geometry_of_surveys_never_written_and_notices_no_committed_event_names_are_deleted_once_old()
    {
        var (tenant, store, caseId) = await CaseAsync("orphans", CaseState.InReview, []);
        var container = store.Container(tenant);
        Task<string> Write(string name) => WriteAsync(container, name, 7);

        // The case's determination, committed with the notice its event names; a notice of a try that lost its commit;
        // a notice and the geometry of a case that was never written; a notice kept under the name used before events named theirs.
        var issued = await Write(CaseStore.NoticeBlob(caseId, UploadId()));
        var (loaded, etag) = (await store.GetAsync(tenant, caseId, CancellationToken.None))!.Value;
        await store.CommitAsync(new CaseTransition(loaded with { Version = loaded.Version + 1 }, etag)
        {
            Events = [new NewCaseEvent("DeterminationIssued", "officer:wang", new Dictionary<string, string> { [CaseStore.NoticeEventProperty] = issued })],
        }, CancellationToken.None);
        await Write(CaseStore.NoticeBlob(caseId, UploadId()));
        var ghost = AzuriteFixture.UniqueName("ghost");
        await Write(CaseStore.NoticeBlob(ghost, UploadId()));
        await Write($"cases/{ghost}/parcel.geojson");
        var legacy = await Write($"cases/{caseId}/determination-notice.html");

        await Task.Delay(1100);
        var cutOff = DateTimeOffset.UtcNow;
        await Task.Delay(1100);
        var youngGhost = await Write($"cases/{AzuriteFixture.UniqueName("ghost")}/parcel.geojson");

        var sweep = await store.SweepAbandonedBlobsAsync(tenant, cutOff, CancellationToken.None);
        var again = await store.SweepAbandonedBlobsAsync(tenant, cutOff, CancellationToken.None);

        Assert.Equal(new UploadSweep(Uploads: 0, Deleted: 0, DeletedBytes: 21, Orphans: 3), sweep);
        Assert.Equal(default, again);
        var left = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            left.Add(blob.Name);
        }

        Assert.Equal(
            new[] { $"cases/{caseId}/parcel.geojson", issued, legacy, youngGhost }.Order(StringComparer.Ordinal),
            left.Order(StringComparer.Ordinal));
        Assert.Equal(issued, ReviewService.NoticeBlob(caseId, issued[^37..^5]));
    }

    [Fact]
    public async Task A_tenant_that_never_stored_a_file_has_nothing_to_sweep()
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);

        var sweep = await store.SweepAbandonedBlobsAsync(AzuriteFixture.UniqueName("empty"), DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(default, sweep);
    }

    [Theory]
    [InlineData("cases/c1/uploads/0123456789abcdef0123456789ABCDEF/plan.pdf", "c1", "plan.pdf")]
    [InlineData("cases/c1/uploads/0123456789abcdef0123456789abcdef/现场 照片.jpg", "c1", "现场 照片.jpg")]
    [InlineData("cases/c1/uploads/0123456789abcdef0123456789abcdef", null, null)]
    [InlineData("cases/c1/uploads/0123456789abcdef0123456789abcdeg/plan.pdf", null, null)]
    [InlineData("cases/c1/uploads/0123456789abcdef/plan.pdf", null, null)]
    [InlineData("cases/c1/evidence/plan.pdf", null, null)]
    [InlineData("cases/c1/parcel.geojson", null, null)]
    [InlineData("cases//uploads/0123456789abcdef0123456789abcdef/plan.pdf", null, null)]
    public void A_direct_upload_is_known_by_its_name(string blobName, string? caseId, string? name)
    {
        var parsed = CaseStore.DirectUploadOf(blobName);

        Assert.Equal(caseId is null ? null : (caseId, name!), parsed);
    }
}
