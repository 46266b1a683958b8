using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using LandRedevelopment.Finance;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Cases;

/// <summary>How claiming a submission id went.</summary>
public enum SubmissionClaim
{
    /// <summary>First time this id is seen: it is now bound to the content and case.</summary>
    New,

    /// <summary>Seen before with the same content: a retry.</summary>
    Repeat,

    /// <summary>Seen before with different content.</summary>
    DifferentContent,
}

/// <summary>How creating a survey's case went.</summary>
public enum CaseCreation
{
    /// <summary>The case was written now.</summary>
    Created,

    /// <summary>The case was already written (by a retry of the same submission).</summary>
    Exists,

    /// <summary>Not written: the parcel claim passed to another survey's case meanwhile.</summary>
    ParcelLost,
}

/// <summary>
/// What a sweep of a tenant's abandoned blobs found and deleted: direct uploads (<paramref name="Uploads"/> found,
/// <paramref name="Deleted"/> deleted), and the blobs of work that never committed (<paramref name="Orphans"/> deleted: the
/// parcel geometry of a survey whose case was never written, a determination notice no committed event names);
/// <paramref name="DeletedBytes"/> counts both.
/// </summary>
public readonly record struct UploadSweep(int Uploads, int Deleted, long DeletedBytes, int Orphans = 0);

/// <summary>A row of the tenant's case index: enough to list, filter and map cases without opening them.</summary>
public sealed record CaseSummary(
    string CaseId, CaseState State, string LandCode, string District, string? Zone, string LandUse,
    decimal AreaM2, string Outcome, bool IsCandidate, DateTimeOffset UpdatedAt,
    double MinLon, double MinLat, double MaxLon, double MaxLat,
    [property: System.Text.Json.Serialization.JsonIgnore] LandPriceFigures? LandPrice = null,
    [property: System.Text.Json.Serialization.JsonIgnore] string? ReturnedTrack = null);

/// <summary>
/// Parcel cases on Table and Blob storage. Each case is one partition (<c>{tenant}|{caseId}</c>) holding
/// its state row, its events and its evidence rows, so every transition commits as one entity-group
/// transaction guarded by the state row's ETag. Around it, per tenant: submission ids (idempotency),
/// parcel claims (one live case per land code) and the case index (listing, overlap search, maps), which
/// are derived and re-written by every retry. Geometry and evidence live in the tenant's container.
/// </summary>
public sealed class CaseStore(TableServiceClient tables, BlobServiceClient blobs, TimeProvider time, OutboxRelay? relay = null)
{
    private const string CaseRow = "case";
    private const string EventRowPrefix = "event-";
    private const string EvidenceRowPrefix = "evidence-";
    private const string ParcelFenceRow = "parcel";

    /// <summary>The row keys of a case's durable timers start with this.</summary>
    public const string TimerRowPrefix = "timer-";

    private readonly TableClient _cases = tables.GetTableClient("cases");
    private readonly TableClient _index = tables.GetTableClient("caseindex");
    private readonly TableClient _submissions = tables.GetTableClient("submissions");
    private readonly TableClient _parcels = tables.GetTableClient("parcels");
    private readonly OutboxMarks _marks = new(tables.GetTableClient(OutboxMarks.TableName), time);

    /// <summary>The tables the store keeps its rows in.</summary>
    public IReadOnlyList<TableClient> Tables => [_cases, _index, _submissions, _parcels, _marks.Table];

    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        await Task.WhenAll(Tables.Select(t => t.CreateIfNotExistsAsync(ct))).ConfigureAwait(false);
    }

    /// <summary>The blob service (for user-delegation SAS under a managed identity).</summary>
    public BlobServiceClient BlobService => blobs;

    /// <summary>The tenant's blob container: every blob of the tenant lives under it.</summary>
    public BlobContainerClient Container(string tenantId) => blobs.GetBlobContainerClient("t-" + tenantId);

    /// <summary>The case id a submission id maps to: deterministic, so two racing first tries agree.</summary>
    public static string CaseIdFor(string tenantId, string submissionId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(tenantId + "\n" + submissionId));
        return "c" + Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    /// <summary>Binds a submission id to its content hash, or tells how it was seen before.</summary>
    public async Task<SubmissionClaim> ClaimSubmissionAsync(string tenantId, string submissionId, string contentHash, string caseId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _submissions.AddEntityAsync(new TableEntity(tenantId, submissionId)
                {
                    ["ContentHash"] = contentHash,
                    ["CaseId"] = caseId,
                    ["CreatedAt"] = time.GetUtcNow(),
                }, ct).ConfigureAwait(false);
                return SubmissionClaim.New;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Released by a refused try between our insert and this read: claim it again.
                var existing = await _submissions.GetEntityIfExistsAsync(tenantId, submissionId, cancellationToken: ct).ConfigureAwait(false);
                if (existing.HasValue)
                {
                    return existing.Value!.GetString("ContentHash") == contentHash ? SubmissionClaim.Repeat : SubmissionClaim.DifferentContent;
                }

                if (attempt >= 10)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Takes over a claim whose first try has not recorded anything for <paramref name="grace"/> (it died, or its client
    /// went away, after the claim): the claim is stamped now, guarded by its ETag, so of racing repeats one takes it.
    /// True when this caller now holds it.
    /// </summary>
    public async Task<bool> TakeOverSubmissionAsync(string tenantId, string submissionId, TimeSpan grace, CancellationToken ct)
    {
        var row = await _submissions.GetEntityIfExistsAsync(tenantId, submissionId, cancellationToken: ct).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return false;
        }

        var claim = row.Value!;
        var now = time.GetUtcNow();
        var claimedAt = claim.GetDateTimeOffset("ClaimedAt") ?? claim.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue;
        if (now - claimedAt < grace)
        {
            return false;
        }

        try
        {
            await _submissions.UpdateEntityAsync(new TableEntity(tenantId, submissionId) { ["ClaimedAt"] = now }, claim.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Another repeat took it over, or a refused try released it: this one is still a repeat in progress.
            return false;
        }
    }

    /// <summary>Unbinds a submission id this request bound, when the submission is refused after all (nothing else was written).</summary>
    public async Task ReleaseSubmissionAsync(string tenantId, string submissionId, CancellationToken ct) =>
        await _submissions.DeleteEntityAsync(tenantId, submissionId, cancellationToken: ct).ConfigureAwait(false);

    /// <summary>
    /// How long a parcel claim whose case is not written yet is taken to belong to a request still under way. A newer
    /// survey of the parcel is refused with the claim's case meanwhile; after it, the claim is taken to be left by a
    /// request that died before creating its case, and passes to the newer survey.
    /// </summary>
    public static readonly TimeSpan ParcelClaimGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Claims a land code for a case. Answers the case id that holds it: <paramref name="caseId"/> when
    /// the claim is ours (new, or a retry), another id when a live case holds the parcel or another
    /// survey's request claimed it less than <see cref="ParcelClaimGrace"/> ago and has not written its case yet.
    /// A claim only counts once its case is created through <see cref="CreateClaimedAsync"/>.
    /// </summary>
    public async Task<string> ClaimParcelAsync(string tenantId, string landCode, string caseId, Func<ParcelCase, bool> releases, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await _parcels.GetEntityIfExistsAsync(tenantId, landCode, cancellationToken: ct).ConfigureAwait(false);
            if (!row.HasValue)
            {
                try
                {
                    await _parcels.AddEntityAsync(ParcelClaim(tenantId, landCode, caseId), ct).ConfigureAwait(false);
                    return caseId;
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    continue;
                }
            }

            var holder = row.Value!.GetString("CaseId")!;
            if (holder == caseId)
            {
                return caseId;
            }

            var held = await GetAsync(tenantId, holder, ct).ConfigureAwait(false);
            if (held is not null && !releases(held.Value.Case))
            {
                return holder;
            }

            if (held is null)
            {
                // The holder's case is not written: its request is still under way, or died before creating it.
                if (time.GetUtcNow() - (row.Value.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue) < ParcelClaimGrace)
                {
                    return holder;
                }

                // Taken to be dead. Fence its partition first, so that if its request is alive after all it can no
                // longer create the case (its creating transaction adds the same row).
                if (!await FenceAsync(tenantId, holder, ct).ConfigureAwait(false))
                {
                    continue;
                }
            }

            // The holder's case no longer holds the parcel (closed, or fenced off above): the claim passes to the new case.
            try
            {
                await _parcels.UpdateEntityAsync(ParcelClaim(tenantId, landCode, caseId), row.Value.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return caseId;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Someone else moved the claim meanwhile: look again.
            }
        }

        throw new InvalidOperationException($"Could not settle the claim on parcel {landCode}.");
    }

    /// <summary>
    /// Creates the case of a survey that claimed its parcel with <see cref="ClaimParcelAsync"/>, only while no other survey
    /// has taken the claim over: the creating transaction adds the partition's parcel fence row, which a takeover adds
    /// first, so of the two exactly one succeeds. Only when the creation meets a fence does the claim get looked at: a
    /// fence left from an earlier takeover while the claim is this case's again (renewed under its ETag, so a takeover
    /// under way fails) is removed and the creation tried once more. The common path costs no request beyond the creation.
    /// </summary>
    public async Task<CaseCreation> CreateClaimedAsync(ParcelCase parcelCase, IReadOnlyList<EvidenceFile> evidence,
        IReadOnlyList<(string Type, object Data)> events, string geometryJson, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parcelCase);
        var partition = Partition(parcelCase.TenantId, parcelCase.CaseId);
        for (var attempt = 0; ; attempt++)
        {
            if (await CreateAsync(parcelCase, evidence, events, geometryJson, ct).ConfigureAwait(false))
            {
                return CaseCreation.Created;
            }

            if (await GetAsync(parcelCase.TenantId, parcelCase.CaseId, ct).ConfigureAwait(false) is not null)
            {
                return CaseCreation.Exists;
            }

            // Not written, and no case: the partition is fenced. Stale only if the claim is (still, or again) this case's.
            var fence = await _cases.GetEntityIfExistsAsync(partition, ParcelFenceRow, cancellationToken: ct).ConfigureAwait(false);
            if (attempt > 0 || !fence.HasValue || fence.Value!.GetBoolean("Fenced") != true
                || !await RenewParcelClaimAsync(parcelCase.TenantId, parcelCase.LandCode, parcelCase.CaseId, ct).ConfigureAwait(false))
            {
                return CaseCreation.ParcelLost;
            }

            try
            {
                await _cases.DeleteEntityAsync(partition, ParcelFenceRow, fence.Value.ETag, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Fenced again meanwhile: the creation below fails and reports the parcel lost.
            }
        }
    }

    /// <summary>Renews this case's claim on its parcel (guarded by the claim's ETag); false when the claim is not its own.</summary>
    private async Task<bool> RenewParcelClaimAsync(string tenantId, string landCode, string caseId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await _parcels.GetEntityIfExistsAsync(tenantId, landCode, cancellationToken: ct).ConfigureAwait(false);
            if (!row.HasValue || row.Value!.GetString("CaseId") != caseId)
            {
                return false;
            }

            try
            {
                await _parcels.UpdateEntityAsync(ParcelClaim(tenantId, landCode, caseId), row.Value.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Changed meanwhile: look again.
            }
        }

        return false;
    }

    /// <summary>
    /// Fences a case's partition against the creation of its case: true once fenced (now or before), false when the case
    /// was written first.
    /// </summary>
    private async Task<bool> FenceAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var partition = Partition(tenantId, caseId);
        try
        {
            await _cases.AddEntityAsync(new TableEntity(partition, ParcelFenceRow) { ["Fenced"] = true, ["At"] = time.GetUtcNow() }, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await _cases.GetEntityIfExistsAsync(partition, ParcelFenceRow, cancellationToken: ct).ConfigureAwait(false);
            return existing.HasValue && existing.Value!.GetBoolean("Fenced") == true;
        }
    }

    private TableEntity ParcelClaim(string tenantId, string landCode, string caseId) =>
        new(tenantId, landCode) { ["CaseId"] = caseId, ["ClaimedAt"] = time.GetUtcNow() };

    /// <summary>Writes a new case with its first events and declared evidence in one transaction; false if it already exists.</summary>
    public async Task<bool> CreateAsync(ParcelCase parcelCase, IReadOnlyList<EvidenceFile> evidence, IReadOnlyList<(string Type, object Data)> events, string geometryJson, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parcelCase);
        ArgumentNullException.ThrowIfNull(evidence);
        parcelCase = parcelCase with { Timers = parcelCase.Timers ?? NoTimers, Evidence = EvidenceTally.Of(evidence) };
        var container = Container(parcelCase.TenantId);
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        using (var geometry = new MemoryStream(Encoding.UTF8.GetBytes(geometryJson)))
        {
            // Written first and named by the case: a retry rewrites the same bytes.
            await container.GetBlobClient(GeometryBlob(parcelCase.CaseId)).UploadAsync(geometry, new BlobUploadOptions { ContentType = "application/geo+json" }, ct).ConfigureAwait(false);
        }

        var partition = Partition(parcelCase.TenantId, parcelCase.CaseId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, CaseEntity(parcelCase)),
            // The parcel fence row: fails the creation if a survey taking over this case's parcel claim fenced it first.
            new(TableTransactionActionType.Add, new TableEntity(partition, ParcelFenceRow) { ["LandCode"] = parcelCase.LandCode }),
        };
        actions.AddRange(events.Select((e, i) => new TableTransactionAction(TableTransactionActionType.Add, EventEntity(partition, i + 1, e.Type, e.Data, parcelCase.CreatedAt))));
        actions.AddRange(evidence.Select(f => new TableTransactionAction(TableTransactionActionType.Add, EvidenceEntity(partition, f))));
        if (parcelCase.State == CaseState.ReadyForReview)
        {
            actions.Add(new(TableTransactionActionType.Add, CaseSignals.EvidenceComplete(parcelCase).ToEntity(partition, OutboxMessage.RowKey(parcelCase.Version, 0), parcelCase.CreatedAt)));
        }

        try
        {
            var results = await SubmitAsync(partition, actions, ct).ConfigureAwait(false);
            await RelayAsync(WrittenOutbox(actions, results), ct).ConfigureAwait(false);

            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<(ParcelCase Case, ETag ETag)?> GetAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var row = await _cases.GetEntityIfExistsAsync(Partition(tenantId, caseId), CaseRow, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? (ToCase(row.Value!), row.Value!.ETag) : null;
    }

    public async Task<IReadOnlyList<EvidenceFile>> GetEvidenceAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var files = new List<EvidenceFile>();
        await foreach (var row in Rows(Partition(tenantId, caseId), EvidenceRowPrefix, ct).ConfigureAwait(false))
        {
            files.Add(ToEvidence(row));
        }

        return files;
    }

    /// <summary>One declared evidence file of a case (a point read), or null when the case declares no file of that name.</summary>
    public async Task<EvidenceFile?> GetEvidenceFileAsync(string tenantId, string caseId, string name, CancellationToken ct)
    {
        var row = await _cases.GetEntityIfExistsAsync(Partition(tenantId, caseId), EvidenceRowPrefix + name, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? ToEvidence(row.Value!) : null;
    }

    /// <summary>
    /// Points a verified evidence file at another stored version, <paramref name="toBlob"/> at <paramref name="toETag"/>,
    /// whose bytes were checked against the declaration again (the verified version was overwritten or deleted since, and
    /// the file was written again with its declared bytes). Only if the row still names <paramref name="fromETag"/>:
    /// false when another writer changed the row first.
    /// </summary>
    public async Task<bool> MoveEvidenceToVersionAsync(string tenantId, string caseId, string name, string fromETag, string toBlob, string toETag,
        CancellationToken ct)
    {
        var partition = Partition(tenantId, caseId);
        var row = await _cases.GetEntityIfExistsAsync(partition, EvidenceRowPrefix + name, cancellationToken: ct).ConfigureAwait(false);
        if (!row.HasValue || row.Value!.GetString("ETag") != fromETag || row.Value.GetString("Status") != nameof(EvidenceStatus.Verified))
        {
            return false;
        }

        try
        {
            await _cases.UpdateEntityAsync(new TableEntity(partition, EvidenceRowPrefix + name) { ["BlobName"] = toBlob, ["ETag"] = toETag }, row.Value.ETag,
                TableUpdateMode.Merge, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<CaseEvent>> GetEventsAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var events = new List<CaseEvent>();
        await foreach (var row in Rows(Partition(tenantId, caseId), EventRowPrefix, ct).ConfigureAwait(false))
        {
            using var data = JsonDocument.Parse(LargeText.Get(row, "Data") ?? "{}");
            events.Add(new CaseEvent(row.GetInt32("Sequence") ?? 0, row.GetString("Type") ?? "", row.GetDateTimeOffset("At") ?? default, data.RootElement.Clone(), row.GetString("Actor")));
        }

        return events;
    }

    /// <summary>
    /// Records a verified evidence file: the evidence row, an <c>EvidenceVerified</c> event and, when it
    /// was the last one missing, <c>SurveyCompleted</c> and the move to <see cref="CaseState.ReadyForReview"/> —
    /// one transaction, guarded by the case row's ETag so concurrent uploads serialise.
    /// </summary>
    /// <remarks>
    /// <c>asRead</c> is the case (with its ETag) and the file as the caller read them, for the first attempt; any later
    /// attempt (another transition committed in between) reads both again.
    /// </remarks>
    public async Task<ParcelCase> RecordEvidenceVerifiedAsync(string tenantId, string caseId, string name, string blobName, string etag, CancellationToken ct,
        (ParcelCase Case, ETag ETag, EvidenceFile File)? asRead = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (parcelCase, caseETag) = attempt == 0 && asRead is { } given ? (given.Case, given.ETag)
                : await GetAsync(tenantId, caseId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"Case {caseId} does not exist.");
            // The case row's tally says whether this file completes the evidence: one point read, no listing of the
            // case's evidence (rows stored before the tally existed are listed once and get it).
            var tally = parcelCase.Evidence;
            var listed = tally is null ? await GetEvidenceAsync(tenantId, caseId, ct).ConfigureAwait(false) : null;
            var file = listed is not null ? listed.Single(f => f.Name == name)
                : attempt == 0 && asRead is { } read ? read.File
                : await GetEvidenceFileAsync(tenantId, caseId, name, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"Case {caseId} declares no evidence file {name}.");
            if (file.Status == EvidenceStatus.Verified)
            {
                return parcelCase;
            }

            tally ??= EvidenceTally.Of(listed!);
            var now = time.GetUtcNow();
            var partition = Partition(tenantId, caseId);
            var completes = tally.Verified + 1 >= tally.Declared;
            tally = tally with { Verified = tally.Verified + 1 };
            var version = parcelCase.Version + 1;
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateMerge, EvidenceEntity(partition, file with { Status = EvidenceStatus.Verified, BlobName = blobName, ETag = etag, VerifiedAt = now })),
                new(TableTransactionActionType.Add, EventEntity(partition, version, "EvidenceVerified", new { name, sha256 = file.Sha256, size = file.Size }, now)),
            };
            var updated = parcelCase with { Version = version, UpdatedAt = now, Evidence = tally };
            if (completes && parcelCase.State == CaseState.AwaitingEvidence)
            {
                version++;
                updated = updated with { Version = version, State = CaseState.ReadyForReview };
                actions.Add(new(TableTransactionActionType.Add, EventEntity(partition, version, "SurveyCompleted", new { evidence = tally.Declared }, now)));
            }

            if (completes)
            {
                // The review reacts (starts, or resumes after a resubmission) through the outbox: nothing is lost if we stop here.
                actions.Add(new(TableTransactionActionType.Add, CaseSignals.EvidenceComplete(updated).ToEntity(partition, OutboxMessage.RowKey(version, 0), now)));
            }

            actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, CaseRow)
            {
                ["State"] = updated.State.ToString(),
                ["Version"] = updated.Version,
                ["UpdatedAt"] = now,
                ["EvidenceDeclared"] = tally.Declared,
                ["EvidenceVerified"] = tally.Verified,
            }, caseETag));

            try
            {
                var results = await SubmitAsync(partition, actions, ct).ConfigureAwait(false);
                // The index and the relay touch different rows: neither waits for the other.
                await Task.WhenAll(UpsertIndexStateAsync(updated, ct), RelayAsync(WrittenOutbox(actions, results), ct)).ConfigureAwait(false);

                return updated;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                // Another transition won the race for this version: read again and re-apply.
            }
        }
    }

    /// <summary>
    /// Writes a case's whole index row (idempotent: a survey's retry writes it again, in case the first try stopped before
    /// it), then makes sure the row has the state the case has by then.
    /// </summary>
    public async Task UpsertIndexAsync(ParcelCase parcelCase, (double MinLon, double MinLat, double MaxLon, double MaxLat) envelope, string geometryJson, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parcelCase);
        var entity = new TableEntity(parcelCase.TenantId, parcelCase.CaseId)
        {
            ["State"] = parcelCase.State.ToString(),
            ["LandCode"] = parcelCase.LandCode,
            ["District"] = parcelCase.District,
            ["Zone"] = parcelCase.Zone,
            ["LandUse"] = parcelCase.LandUse,
            ["AreaM2"] = (double)parcelCase.AreaM2,
            ["Outcome"] = parcelCase.Outcome,
            ["IsCandidate"] = parcelCase.IsCandidate,
            ["UpdatedAt"] = parcelCase.UpdatedAt,
            ["MinLon"] = envelope.MinLon,
            ["MinLat"] = envelope.MinLat,
            ["MaxLon"] = envelope.MaxLon,
            ["MaxLat"] = envelope.MaxLat,
        };
        if (geometryJson.Length <= 200_000)
        {
            // Kept beside the summary so maps need no blob reads; larger parcels are read from their blob.
            LargeText.Set(entity, "Geometry", geometryJson);
        }

        await _index.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct).ConfigureAwait(false);

        // A transition that committed meanwhile may have found no row to update, or updated it before the write above:
        // the row takes the state the case has now.
        if (await GetAsync(parcelCase.TenantId, parcelCase.CaseId, ct).ConfigureAwait(false) is { } now && now.Case.Version != parcelCase.Version)
        {
            await UpsertIndexStateAsync(now.Case, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Commits a transition of a case: the case row (guarded by the ETag it was read with), its new events,
    /// outbox rows, evidence rows, and the durable timers set and cancelled — one entity-group transaction, so
    /// all of it happens or none. Throws <see cref="TableTransactionFailedException"/> with 412 (or 409) when
    /// another transition committed first: read again and decide again.
    /// </summary>
    /// <returns>The outbox rows as written (each with the ETag the transaction gave it), for the relay to deliver without reading them back.</returns>
    public async Task<IReadOnlyList<TableEntity>> CommitAsync(CaseTransition transition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var updated = transition.Updated;
        var partition = Partition(updated.TenantId, updated.CaseId);
        var now = updated.UpdatedAt;

        // The case row keeps its timers and evidence tally up to date in the same transaction as the rows themselves.
        var timers = new Dictionary<string, DateTimeOffset>(
            (updated.Timers ?? (await TimerRowsAsync(partition, ct).ConfigureAwait(false)).ToDictionary(t => t.Key, t => t.DueAt)), StringComparer.Ordinal);
        foreach (var cancelled in transition.CancelTimers)
        {
            timers.Remove(cancelled.Key);
        }

        foreach (var set in transition.SetTimers.Concat(transition.MoveTimers))
        {
            timers[set.Key] = set.DueAt;
        }

        var tally = transition.AddEvidence.Count == 0 ? updated.Evidence
            : updated.Evidence is { } known ? known.Plus(transition.AddEvidence)
            : EvidenceTally.Of((await GetEvidenceAsync(updated.TenantId, updated.CaseId, ct).ConfigureAwait(false)).Concat(transition.AddEvidence));
        updated = updated with { Timers = timers, Evidence = tally };
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, CaseEntity(updated), transition.ETag) };
        var first = updated.Version - transition.Events.Count + 1;
        actions.AddRange(transition.Events.Select((e, i) =>
            new TableTransactionAction(TableTransactionActionType.Add, EventEntity(partition, first + i, e.Type, e.Data, now, e.Actor))));
        actions.AddRange(OutboxMessage.Pack(transition.Outbox).Select((m, i) =>
            new TableTransactionAction(TableTransactionActionType.Add, m.ToEntity(partition, OutboxMessage.RowKey(updated.Version, i), now))));
        actions.AddRange(transition.AddEvidence.Select(f => new TableTransactionAction(TableTransactionActionType.Add, EvidenceEntity(partition, f))));
        actions.AddRange(transition.SetTimers.Select(t => new TableTransactionAction(TableTransactionActionType.Add, TimerEntity(partition, t))));
        actions.AddRange(transition.CancelTimers.Select(t => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, t.Key), t.ETag)));
        actions.AddRange(transition.MoveTimers.Select(t => new TableTransactionAction(TableTransactionActionType.UpdateReplace, TimerEntity(partition, t), t.ETag)));
        var results = await SubmitAsync(partition, actions, ct).ConfigureAwait(false);
        await UpsertIndexStateAsync(updated, ct).ConfigureAwait(false);
        return WrittenOutbox(actions, results);
    }

    /// <summary>
    /// Submits a transaction of one case partition. One that adds outbox rows marks them alongside (see
    /// <see cref="OutboxMarks"/>), so the sweeper finds rows its relay may fail to deliver; the mark is written whatever
    /// becomes of the transaction, and rows whose mark cannot be written are left to the sweeper's full scan.
    /// </summary>
    private async Task<IReadOnlyList<Response>> SubmitAsync(string partition, List<TableTransactionAction> actions, CancellationToken ct)
    {
        CheckLimits(partition, actions);
        try
        {
            return await SubmitCheckedAsync(partition, actions, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode is { } code && CaseLimits.SizeErrorCodes.Contains(code))
        {
            // A path no limit foresaw: storage refused the transaction (so wrote nothing of it), and the case stays as it was.
            throw new CaseRecordLimitException($"Storage refused a write of case {CaseIdOf(partition)} for its size ({code}).", e)
            {
                CaseId = CaseIdOf(partition),
                Limit = code,
            };
        }
    }

    /// <summary>Refuses, before anything is sent, a transaction or case row past Table storage's limits (see <see cref="CaseLimits"/>).</summary>
    private static void CheckLimits(string partition, List<TableTransactionAction> actions)
    {
        if (actions.Count > CaseLimits.MaxTransactionEntities)
        {
            throw new CaseRecordLimitException(
                $"A transition of case {CaseIdOf(partition)} would write {actions.Count} rows in one transaction; storage takes at most {CaseLimits.MaxTransactionEntities}.")
            {
                CaseId = CaseIdOf(partition),
                Limit = "transaction",
            };
        }

        long total = 0;
        foreach (var action in actions)
        {
            var bytes = CaseLimits.EntityBytes(action.Entity);
            total += bytes;
            if (action.Entity.RowKey == CaseRow && (bytes > CaseLimits.MaxEntityBytes || CaseLimits.Properties(action.Entity).Count() > CaseLimits.MaxEntityProperties))
            {
                throw new CaseRecordLimitException(
                    $"Case {CaseIdOf(partition)}'s row would be {bytes} bytes in {CaseLimits.Properties(action.Entity).Count()} properties; storage keeps at most {CaseLimits.MaxEntityBytes} bytes in {CaseLimits.MaxEntityProperties}.")
                {
                    CaseId = CaseIdOf(partition),
                    Limit = "row",
                };
            }
        }

        if (total > CaseLimits.MaxTransactionBytes)
        {
            throw new CaseRecordLimitException($"A transition of case {CaseIdOf(partition)} would write {total} bytes in one transaction; storage takes at most {CaseLimits.MaxTransactionBytes}.")
            {
                CaseId = CaseIdOf(partition),
                Limit = "transaction",
            };
        }
    }

    private static string CaseIdOf(string partition) => partition[(partition.IndexOf('|', StringComparison.Ordinal) + 1)..];

    private async Task<IReadOnlyList<Response>> SubmitCheckedAsync(string partition, List<TableTransactionAction> actions, CancellationToken ct)
    {
        var outbox = actions.Select(a => a.Entity.RowKey!).Where(k => k.StartsWith(OutboxMessage.RowPrefix, StringComparison.Ordinal)).ToList();
        if (outbox.Count == 0)
        {
            return (await _cases.SubmitTransactionAsync(actions, ct).ConfigureAwait(false)).Value;
        }

        var mark = MarkQuietlyAsync(partition, outbox, ct);
        try
        {
            return (await _cases.SubmitTransactionAsync(actions, ct).ConfigureAwait(false)).Value;
        }
        finally
        {
            await mark.ConfigureAwait(false);
        }
    }

    private async Task MarkQuietlyAsync(string partition, IReadOnlyList<string> rowKeys, CancellationToken ct)
    {
        try
        {
            await _marks.MarkAsync(partition, rowKeys, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or OperationCanceledException)
        {
        }
    }

    /// <summary>The outbox rows of a committed transaction, each with the ETag its action's response carries.</summary>
    private static List<TableEntity> WrittenOutbox(List<TableTransactionAction> actions, IReadOnlyList<Response> results)
    {
        var rows = new List<TableEntity>();
        for (var i = 0; i < actions.Count; i++)
        {
            var row = actions[i].Entity;
            if (row.RowKey!.StartsWith(OutboxMessage.RowPrefix, StringComparison.Ordinal))
            {
                if (i < results.Count && results[i].Headers.ETag is { } etag)
                {
                    row.ETag = etag;
                }

                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>
    /// The durable timers a case has set and not yet fired or cancelled, as its row (read with the ETag a commit will be
    /// guarded by) lists them; a row that does not list them yet has its timer rows read.
    /// </summary>
    public async Task<IReadOnlyList<CaseTimer>> GetTimersAsync(ParcelCase parcelCase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parcelCase);
        return parcelCase.Timers is { } kept
            ? kept.Select(t => new CaseTimer(t.Key, t.Value)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList()
            : await TimerRowsAsync(Partition(parcelCase.TenantId, parcelCase.CaseId), ct).ConfigureAwait(false);
    }

    /// <summary>The timer rows of a case as stored (each with its row's ETag).</summary>
    public Task<IReadOnlyList<CaseTimer>> GetTimerRowsAsync(string tenantId, string caseId, CancellationToken ct) =>
        TimerRowsAsync(Partition(tenantId, caseId), ct);

    private async Task<IReadOnlyList<CaseTimer>> TimerRowsAsync(string partition, CancellationToken ct)
    {
        var timers = new List<CaseTimer>();
        await foreach (var row in Rows(partition, TimerRowPrefix, ct).ConfigureAwait(false))
        {
            timers.Add(new CaseTimer(row.RowKey!, row.GetDateTimeOffset("DueAt") ?? default) { ETag = row.ETag });
        }

        return timers;
    }

    /// <summary>One timer of a case, or null when it fired or was cancelled.</summary>
    public async Task<CaseTimer?> GetTimerAsync(string tenantId, string caseId, string key, CancellationToken ct)
    {
        var row = await _cases.GetEntityIfExistsAsync(Partition(tenantId, caseId), key, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? new CaseTimer(key, row.Value!.GetDateTimeOffset("DueAt") ?? default) { ETag = row.Value.ETag } : null;
    }

    /// <summary>Delivers the outbox rows a transaction just wrote, as written; what fails here the sweeper delivers later.</summary>
    private async Task RelayAsync(List<TableEntity> written, CancellationToken ct)
    {
        if (relay is not null && written.Count > 0)
        {
            // The commit is what counts; what fails to go out now the sweeper relays later.
            await Review.Durable.ReviewService.RelayQuietlyAsync(relay, written, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The partition of a case.</summary>
    public static string PartitionOf(string tenantId, string caseId) => Partition(tenantId, caseId);

    private static readonly IReadOnlyDictionary<string, DateTimeOffset> NoTimers = new Dictionary<string, DateTimeOffset>();

    private static TableEntity TimerEntity(string partition, CaseTimer timer) => new(partition, timer.Key) { ["DueAt"] = timer.DueAt };

    /// <summary>
    /// Brings the state in a case's index row up to date. Only a row that exists is updated: a transition must not create a
    /// row without the parcel's fields. A case whose row is missing (its survey stopped between writing the case and the
    /// row) gets the whole row from the survey's retry, through <see cref="UpsertIndexAsync"/>.
    /// </summary>
    private async Task UpsertIndexStateAsync(ParcelCase parcelCase, CancellationToken ct)
    {
        try
        {
            var row = new TableEntity(parcelCase.TenantId, parcelCase.CaseId)
            {
                ["State"] = parcelCase.State.ToString(),
                ["UpdatedAt"] = parcelCase.UpdatedAt,
            };
            if (parcelCase.State == CaseState.ReturnedForRework && parcelCase.Review is not null)
            {
                // Returned from which review: the determination's (more evidence) or the plan's (a revised plan).
                row[ReturnedTrackColumn] = Review.Durable.ReviewStateJson.Read(parcelCase.Review).Track == Review.Workflow.ReviewTrack.Plan ? "plan" : "determination";
            }

            if (parcelCase.Payments is not null)
            {
                // The land price's figures for reports; a case without a contract has none (no columns).
                var figures = Payments.Durable.PaymentState.Read(parcelCase.Payments)!.Figures();
                row[LandPriceColumns[0]] = figures.Scheduled;
                row[LandPriceColumns[1]] = figures.Due.Fen;
                row[LandPriceColumns[2]] = figures.Paid.Fen;
                row[LandPriceColumns[3]] = figures.Overdue.Fen;
            }

            await _index.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No row yet: written whole by the survey (or its retry), which then reads the case's state again.
        }
    }

    // The index row's track of a case returned for rework, rewritten with each return (read only in that state).
    private const string ReturnedTrackColumn = "ReturnedTrack";

    // The index row's land-price figures (amounts in fen), written once a case has a contract.
    private static readonly string[] LandPriceColumns = ["LandPriceScheduled", "LandPriceDueFen", "LandPricePaidFen", "LandPriceOverdueFen"];

    // The index row's columns a case summary reads: all but the geometry.
    private static readonly string[] SummaryColumns = ["RowKey", "State", "LandCode", "District", "Zone", "LandUse", "AreaM2", "Outcome", "IsCandidate", "UpdatedAt", "MinLon", "MinLat", "MaxLon", "MaxLat", ReturnedTrackColumn, .. LandPriceColumns];

    /// <summary>One page of the tenant's cases, filtered by state and district.</summary>
    public async Task<(IReadOnlyList<CaseSummary> Cases, string? ContinuationToken)> ListAsync(
        string tenantId, CaseState? state, string? district, string? continuationToken, int pageSize, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}");
        if (state is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"State eq {state.Value.ToString()}");
        }

        if (district is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"District eq {district}");
        }

        await foreach (var page in _index.QueryAsync(filter, pageSize, SummaryColumns, ct).AsPages(continuationToken, pageSize).ConfigureAwait(false))
        {
            return (page.Values.Select(ToSummary).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Every case of the tenant whose bounding box meets the envelope (candidates for an overlap check).</summary>
    public async Task<IReadOnlyList<(CaseSummary Summary, string? GeometryJson)>> InEnvelopeAsync(string tenantId, (double MinLon, double MinLat, double MaxLon, double MaxLat) envelope, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and MinLon le {envelope.MaxLon} and MaxLon ge {envelope.MinLon} and MinLat le {envelope.MaxLat} and MaxLat ge {envelope.MinLat}");
        var found = new List<(CaseSummary, string?)>();
        await foreach (var row in _index.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            found.Add((ToSummary(row), LargeText.Get(row, "Geometry")));
        }

        return found;
    }

    /// <summary>Every case of the tenant (of one district, if given) without its geometry, for reports.</summary>
    public async IAsyncEnumerable<CaseSummary> AllAsync(string tenantId, string? district, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}");
        if (district is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"District eq {district}");
        }

        await foreach (var row in _index.QueryAsync(filter, maxPerPage: 1000, SummaryColumns, ct).ConfigureAwait(false))
        {
            yield return ToSummary(row);
        }
    }

    /// <summary>Every case of the tenant with its geometry, for the map feed.</summary>
    public async IAsyncEnumerable<(CaseSummary Summary, string GeometryJson)> AllWithGeometryAsync(string tenantId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in _index.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}"), cancellationToken: ct).ConfigureAwait(false))
        {
            var summary = ToSummary(row);
            yield return (summary, LargeText.Get(row, "Geometry") ?? await GetGeometryAsync(tenantId, summary.CaseId, ct).ConfigureAwait(false));
        }
    }

    public async Task<string> GetGeometryAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var download = await Container(tenantId).GetBlobClient(GeometryBlob(caseId)).DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false);
        await using var content = download.Value.Content;
        using var reader = new StreamReader(content, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    public static string EvidenceBlob(string caseId, string name) => $"cases/{caseId}/evidence/{name}";

    public static string DirectUploadBlob(string caseId, string name, string uploadId) => $"cases/{caseId}/uploads/{uploadId}/{name}";

    /// <summary>
    /// Deletes the tenant's blobs that nothing refers to and that storage last saw written before
    /// <paramref name="writtenBefore"/>:
    /// <list type="bullet">
    /// <item>direct uploads (blobs written through an upload URL) that no evidence file refers to: uploads whose completion
    /// never came, second copies, and versions a file has since been moved off;</item>
    /// <item>the parcel geometry of a survey whose case was never written (the request stopped after the geometry and was
    /// never retried, or its parcel passed to another survey): a retry writes it again first, so it is never old;</item>
    /// <item>a determination notice that no committed <c>DeterminationIssued</c> event names: written by a try that lost its
    /// commit, or stopped before it.</item>
    /// </list>
    /// The blob a file's verification recorded is kept whatever its age, and so is every other blob. A blob written again
    /// after it was listed is left for the next sweep.
    /// </summary>
    public async Task<UploadSweep> SweepAbandonedBlobsAsync(string tenantId, DateTimeOffset writtenBefore, CancellationToken ct)
    {
        var container = Container(tenantId);
        int uploads = 0, deleted = 0, orphans = 0;
        long bytes = 0;
        try
        {
            await foreach (var blob in container.GetBlobsAsync("cases/", cancellationToken: ct).ConfigureAwait(false))
            {
                var old = blob.Properties.LastModified is { } written && written < writtenBefore;
                if (DirectUploadOf(blob.Name) is var (caseId, name))
                {
                    uploads++;
                    if (old && (await GetEvidenceFileAsync(tenantId, caseId, name, ct).ConfigureAwait(false))?.BlobName != blob.Name
                        && await DeleteUnchangedAsync(container, blob, ct).ConfigureAwait(false))
                    {
                        deleted++;
                        bytes += blob.Properties.ContentLength ?? 0;
                    }
                }
                else if (old && await IsOrphanAsync(tenantId, blob.Name, ct).ConfigureAwait(false) && await DeleteUnchangedAsync(container, blob, ct).ConfigureAwait(false))
                {
                    orphans++;
                    bytes += blob.Properties.ContentLength ?? 0;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The tenant has never stored a file.
        }

        return new UploadSweep(uploads, deleted, bytes, orphans);
    }

    // A survey's geometry with no case, or a determination notice no committed event of its case names; false for any other blob.
    private async Task<bool> IsOrphanAsync(string tenantId, string blobName, CancellationToken ct)
    {
        var parts = blobName.Split('/');
        if (parts is not ["cases", { Length: > 0 } caseId, var file])
        {
            return false;
        }

        if (file == GeometryFile)
        {
            return await GetAsync(tenantId, caseId, ct).ConfigureAwait(false) is null;
        }

        if (!(file.StartsWith(NoticePrefix, StringComparison.Ordinal) && file.EndsWith(".html", StringComparison.Ordinal)
            && file[NoticePrefix.Length..^".html".Length] is { Length: 32 } noticeId && noticeId.All(char.IsAsciiHexDigit)))
        {
            return false;
        }

        return !(await GetEventsAsync(tenantId, caseId, ct).ConfigureAwait(false)).Any(e => e.Type == nameof(Review.Workflow.DeterminationIssued) && NoticeNamedBy(e) == blobName);
    }

    /// <summary>The notice blob a <c>DeterminationIssued</c> event names (<see cref="NoticeEventProperty"/>); null for one stored before events named theirs.</summary>
    public static string? NoticeNamedBy(CaseEvent issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        return issued.Data.ValueKind == JsonValueKind.Object && issued.Data.TryGetProperty(NoticeEventProperty, out var named) && named.ValueKind == JsonValueKind.String
            ? named.GetString()
            : null;
    }

    // Deletes a listed blob unless it was written again since the listing (its age then starts over).
    private static async Task<bool> DeleteUnchangedAsync(BlobContainerClient container, BlobItem blob, CancellationToken ct)
    {
        try
        {
            var conditions = blob.Properties.ETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : null;
            return (await container.GetBlobClient(blob.Name).DeleteIfExistsAsync(conditions, ct).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>
    /// The name of a determination notice blob: one per try of the transition that issues it, so a try that loses its
    /// commit never overwrites the notice of the one that won. The <c>DeterminationIssued</c> event names its notice in
    /// its data's <see cref="NoticeEventProperty"/>.
    /// </summary>
    public static string NoticeBlob(string caseId, string noticeId) => $"cases/{caseId}/{NoticePrefix}{noticeId}.html";

    /// <summary>The property of the DeterminationIssued event's data that names its notice blob.</summary>
    public const string NoticeEventProperty = "notice";

    private const string NoticePrefix = "determination-notice-";

    /// <summary>The case and file name of a direct upload's blob name; null for any other blob.</summary>
    internal static (string CaseId, string Name)? DirectUploadOf(string blobName)
    {
        var parts = blobName.Split('/', 5);
        return parts is ["cases", { Length: > 0 } caseId, "uploads", { Length: 32 } uploadId, { Length: > 0 } name] && uploadId.All(char.IsAsciiHexDigit)
            ? (caseId, name)
            : null;
    }

    private const string GeometryFile = "parcel.geojson";

    private static string GeometryBlob(string caseId) => $"cases/{caseId}/{GeometryFile}";

    private static string Partition(string tenantId, string caseId) => tenantId + "|" + caseId;

    private IAsyncEnumerable<TableEntity> Rows(string partition, string prefix, CancellationToken ct) =>
        _cases.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {PrefixEnd(prefix)}"), cancellationToken: ct);

    /// <summary>The smallest key after every key that starts with <paramref name="prefix"/> (names may hold any character, CJK included).</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    internal static TableEntity CaseEntity(ParcelCase c)
    {
        var entity = new TableEntity(Partition(c.TenantId, c.CaseId), CaseRow)
        {
            ["State"] = c.State.ToString(),
            ["PolicyVersion"] = c.PolicyVersion,
            ["SubmissionId"] = c.SubmissionId,
            ["LandCode"] = c.LandCode,
            ["District"] = c.District,
            ["Zone"] = c.Zone,
            ["LandUse"] = c.LandUse,
            ["SurveyedOn"] = c.SurveyedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Surveyor"] = c.Surveyor,
            ["DeclaredAreaM2"] = c.DeclaredAreaM2?.ToString(CultureInfo.InvariantCulture),
            ["AreaM2"] = c.AreaM2.ToString(CultureInfo.InvariantCulture),
            ["AreaMu"] = c.AreaMu.ToString(CultureInfo.InvariantCulture),
            ["GaussKrugerZone"] = c.GaussKrugerZone,
            ["OverlappingCases"] = JsonSerializer.Serialize(c.OverlappingCases),
            ["OverlappingCasesNotListed"] = c.OverlappingCasesNotListed,
            ["IsCandidate"] = c.IsCandidate,
            ["Outcome"] = c.Outcome,
            ["Version"] = c.Version,
            ["CreatedAt"] = c.CreatedAt,
            ["UpdatedAt"] = c.UpdatedAt,
            ["DeterminationChain"] = c.DeterminationChain,
            ["ResubmissionPending"] = c.ResubmissionPending,
        };
        LargeText.Set(entity, "Attributes", c.Attributes.GetRawText());
        LargeText.Set(entity, "Screening", c.Screening.GetRawText());
        if (c.Review is not null)
        {
            LargeText.Set(entity, "Review", c.Review);
        }

        if (c.Payments is not null)
        {
            LargeText.Set(entity, "Payments", c.Payments);
        }

        if (c.Timers is not null)
        {
            entity["Timers"] = JsonSerializer.Serialize(c.Timers.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value));
        }

        if (c.Evidence is { } tally)
        {
            entity["EvidenceDeclared"] = tally.Declared;
            entity["EvidenceVerified"] = tally.Verified;
        }

        return entity;
    }

    private static ParcelCase ToCase(TableEntity row)
    {
        var partition = row.PartitionKey!;
        var bar = partition.IndexOf('|', StringComparison.Ordinal);
        using var attributes = JsonDocument.Parse(LargeText.Get(row, "Attributes") ?? "{}");
        using var screening = JsonDocument.Parse(LargeText.Get(row, "Screening") ?? "{}");
        return new ParcelCase
        {
            TenantId = partition[..bar],
            CaseId = partition[(bar + 1)..],
            State = Enum.Parse<CaseState>(row.GetString("State")!),
            PolicyVersion = row.GetInt32("PolicyVersion") ?? 1,
            SubmissionId = row.GetString("SubmissionId") ?? "",
            LandCode = row.GetString("LandCode") ?? "",
            District = row.GetString("District") ?? "",
            Zone = row.GetString("Zone"),
            LandUse = row.GetString("LandUse") ?? "",
            SurveyedOn = DateOnly.ParseExact(row.GetString("SurveyedOn")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Surveyor = row.GetString("Surveyor") ?? "",
            DeclaredAreaM2 = row.GetString("DeclaredAreaM2") is { } d ? decimal.Parse(d, CultureInfo.InvariantCulture) : null,
            AreaM2 = decimal.Parse(row.GetString("AreaM2") ?? "0", CultureInfo.InvariantCulture),
            AreaMu = decimal.Parse(row.GetString("AreaMu") ?? "0", CultureInfo.InvariantCulture),
            GaussKrugerZone = row.GetInt32("GaussKrugerZone") ?? 0,
            OverlappingCases = JsonSerializer.Deserialize<List<string>>(row.GetString("OverlappingCases") ?? "[]") ?? [],
            OverlappingCasesNotListed = row.GetInt32("OverlappingCasesNotListed") ?? 0,
            Attributes = attributes.RootElement.Clone(),
            Screening = screening.RootElement.Clone(),
            IsCandidate = row.GetBoolean("IsCandidate") ?? false,
            Outcome = row.GetString("Outcome") ?? "",
            Version = row.GetInt32("Version") ?? 0,
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? default,
            DeterminationChain = row.GetString("DeterminationChain"),
            ResubmissionPending = row.GetBoolean("ResubmissionPending") ?? false,
            Review = LargeText.Get(row, "Review"),
            Payments = LargeText.Get(row, "Payments"),
            Timers = row.GetString("Timers") is { } timers ? JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(timers) : null,
            Evidence = row.GetInt32("EvidenceDeclared") is { } declared ? new EvidenceTally(declared, row.GetInt32("EvidenceVerified") ?? 0) : null,
        };
    }

    private static TableEntity EventEntity(string partition, int sequence, string type, object data, DateTimeOffset at, string? actor = null)
    {
        var entity = new TableEntity(partition, EventRowPrefix + sequence.ToString("D6", CultureInfo.InvariantCulture))
        {
            ["Sequence"] = sequence,
            ["Type"] = type,
            ["At"] = at,
            ["Actor"] = actor,
        };
        LargeText.Set(entity, "Data", JsonSerializer.Serialize(data, JsonSerializerOptions.Web));
        return entity;
    }

    private static TableEntity EvidenceEntity(string partition, EvidenceFile f) => new(partition, EvidenceRowPrefix + f.Name)
    {
        ["Name"] = f.Name,
        ["Sha256"] = f.Sha256,
        ["Size"] = f.Size,
        ["ContentType"] = f.ContentType,
        ["Status"] = f.Status.ToString(),
        ["BlobName"] = f.BlobName,
        ["ETag"] = f.ETag,
        ["VerifiedAt"] = f.VerifiedAt,
    };

    private static EvidenceFile ToEvidence(TableEntity row) => new(
        row.GetString("Name")!, row.GetString("Sha256")!, row.GetInt64("Size") ?? 0, row.GetString("ContentType")!,
        Enum.Parse<EvidenceStatus>(row.GetString("Status")!), row.GetString("BlobName"), row.GetString("ETag"), row.GetDateTimeOffset("VerifiedAt"));

    private static CaseSummary ToSummary(TableEntity row) => new(
        row.RowKey!, Enum.Parse<CaseState>(row.GetString("State")!), row.GetString("LandCode") ?? "", row.GetString("District") ?? "",
        row.GetString("Zone"), row.GetString("LandUse") ?? "", (decimal)(row.GetDouble("AreaM2") ?? 0), row.GetString("Outcome") ?? "",
        row.GetBoolean("IsCandidate") ?? false, row.GetDateTimeOffset("UpdatedAt") ?? default,
        row.GetDouble("MinLon") ?? 0, row.GetDouble("MinLat") ?? 0, row.GetDouble("MaxLon") ?? 0, row.GetDouble("MaxLat") ?? 0,
        row.GetBoolean(LandPriceColumns[0]) is { } scheduled
            ? new LandPriceFigures(scheduled, Money.FromFen(row.GetInt64(LandPriceColumns[1]) ?? 0), Money.FromFen(row.GetInt64(LandPriceColumns[2]) ?? 0), Money.FromFen(row.GetInt64(LandPriceColumns[3]) ?? 0))
            : null,
        row.GetString("State") == nameof(CaseState.ReturnedForRework) ? row.GetString(ReturnedTrackColumn) : null);
}
