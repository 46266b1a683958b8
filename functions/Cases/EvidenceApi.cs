using System.Buffers;
using System.Text.Json;
using Azure;
using LandRedevelopment.Cases;
using LandRedevelopment.Evidence;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Storage.Blobs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Cases;

public sealed record EvidenceReceipt(string CaseId, string Name, EvidenceStatus Status, long Size, string Sha256, CaseState CaseState);

public sealed record DirectUpload(string UploadId, Uri Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresOn, string Complete);

/// <summary>
/// Evidence files of a case: streamed through the app (hashed on the fly, committed only when size,
/// hash and type match the survey's declaration), or uploaded straight to blob storage through a
/// short-lived write-only SAS and then verified from the stored blob.
/// </summary>
public static class EvidenceApi
{
    private static readonly TimeSpan DirectUploadLifetime = TimeSpan.FromMinutes(15);

    /// <summary>How far past its declared size an upload is still read, so that it can be answered with a 422.</summary>
    private const long OverrunAllowance = 16L * 1024 * 1024;

    public static RouteGroupBuilder MapEvidenceApi(this RouteGroupBuilder tenant)
    {
        tenant.MapPut("/cases/{caseId}/evidence/{name}", Put).WithName("PutEvidence")
            .WithSummary("Uploads a declared evidence file (the body is the file). Identical repeat → 200; different bytes for a stored file → 409.")
            .Produces<EvidenceReceipt>(201).Produces<EvidenceReceipt>(200)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        tenant.MapPost("/cases/{caseId}/evidence/{name}/upload-url", UploadUrl).WithName("EvidenceUploadUrl")
            .WithSummary("A write-only SAS URL for uploading a large evidence file straight to storage (valid for minutes).")
            .ProducesProblem(404).ProducesProblem(409);
        tenant.MapPost("/cases/{caseId}/evidence/{name}/complete", Complete).WithName("CompleteEvidenceUpload")
            .WithSummary("Verifies a file uploaded through its SAS URL: size, hash and type from the stored blob.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        tenant.MapGet("/cases/{caseId}/evidence/{name}", Get).WithName("GetEvidence")
            .WithSummary("Downloads a verified evidence file.").ProducesProblem(404).ProducesProblem(409);
        return tenant;
    }

    internal static async Task<IResult> Put(string tenant, string caseId, string name, HttpContext http, CaseStore cases, CancellationToken ct)
    {
        var (file, read, problem) = await FindAsync(tenant, caseId, name, cases, ct);
        if (file is null)
        {
            return problem!;
        }

        var request = http.Request;
        if (request.ContentType is { Length: > 0 } sent && !SameMediaType(sent, file.ContentType))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, type: RequestProblems.TypeBase + "evidence-content-type",
                title: "The upload's Content-Type differs from the declared type.", detail: $"Content-Type: '{sent}' but the survey declared '{file.ContentType}' for {name}.");
        }

        if (request.ContentLength is { } length && length != file.Size)
        {
            return Rejected(name, $"Content-Length is {length} but the survey declared {file.Size} bytes.", "size");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Let the declared size through (the server's cap is 100 MB), and enough past it to answer an overrun: the
            // check stops at one byte over, and the rest is read away before the answer (see DiscardRestAsync).
            limit.MaxRequestBodySize = file.Size + 1 + OverrunAllowance;
        }

        var declared = Declared(file);
        if (file.Status == EvidenceStatus.Verified && !await StoredVersionIsGoneAsync(tenant, file, cases, ct))
        {
            var repeat = await EvidenceUploader.HashAsync(request.Body, declared, ct);
            if (!repeat.IsOk)
            {
                await DiscardRestAsync(request.Body, ct);
            }

            return repeat.IsOk
                ? TypedResults.Ok(Receipt(caseId, file, (await cases.GetAsync(tenant, caseId, ct))!.Value.Case.State))
                : RequestProblems.Conflict("This evidence file is already stored with other bytes.", $"{name} was verified earlier; an upload with different content is refused ({repeat.Message}).");
        }

        var blobName = CaseStore.EvidenceBlob(caseId, name);
        EvidenceUploadResult result;
        try
        {
            result = await EvidenceUploader.UploadAsync(cases.Container(tenant).GetBlobClient(blobName), declared, request.Body, ct);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "InvalidBlockList")
        {
            // Two identical uploads raced and the other one committed first (its commit dropped our blocks).
            // Our bytes matched the declaration, so if the file is now verified this was a repeat.
            var now = (await cases.GetEvidenceAsync(tenant, caseId, ct)).First(f => f.Name == name);
            return now.Status == EvidenceStatus.Verified
                ? TypedResults.Ok(Receipt(caseId, now, (await cases.GetAsync(tenant, caseId, ct))!.Value.Case.State))
                : RequestProblems.Conflict("Another upload of this file is in progress.", $"Retry the upload of {name} in a moment.");
        }

        if (!result.Verdict.IsOk)
        {
            await DiscardRestAsync(request.Body, ct);
            return Rejected(name, result.Verdict.Message, result.Verdict.Kind.ToString());
        }

        if (file.Status == EvidenceStatus.Verified)
        {
            // The verified version had been overwritten or deleted; these bytes are the declared file again.
            await cases.MoveEvidenceToVersionAsync(tenant, caseId, name, file.ETag!, blobName, result.ETag!.Value.ToString(), ct);
            return TypedResults.Ok(Receipt(caseId, file, read!.Value.Case.State));
        }

        var updated = await cases.RecordEvidenceVerifiedAsync(tenant, caseId, name, blobName, result.ETag!.Value.ToString(), ct, (read!.Value.Case, read.Value.ETag, file));
        return TypedResults.Created($"/api/t/{tenant}/cases/{caseId}/evidence/{Uri.EscapeDataString(name)}",
            Receipt(caseId, file with { Status = EvidenceStatus.Verified }, updated.State));
    }

    internal static async Task<IResult> UploadUrl(string tenant, string caseId, string name, CaseStore cases, TimeProvider time, CancellationToken ct)
    {
        var (file, _, problem) = await FindAsync(tenant, caseId, name, cases, ct);
        if (file is null)
        {
            return problem!;
        }

        if (file.Status == EvidenceStatus.Verified)
        {
            return RequestProblems.Conflict("This evidence file is already stored and verified.", $"{name} needs no further upload.");
        }

        var uploadId = Guid.NewGuid().ToString("N");
        var blob = cases.Container(tenant).GetBlobClient(CaseStore.DirectUploadBlob(caseId, name, uploadId));
        var expiresOn = time.GetUtcNow() + DirectUploadLifetime;
        var url = blob.CanGenerateSasUri
            ? blob.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, expiresOn)
            : await UserDelegationSasAsync(blob, cases, tenant, expiresOn, ct);
        return TypedResults.Ok(new DirectUpload(uploadId, url, "PUT",
            new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob", ["Content-Type"] = file.ContentType },
            expiresOn, $"/api/t/{tenant}/cases/{caseId}/evidence/{Uri.EscapeDataString(name)}/complete"));
    }

    internal static async Task<IResult> Complete(string tenant, string caseId, string name, HttpRequest request, CaseStore cases, CancellationToken ct)
    {
        var (fields, bodyProblem) = await RequestProblems.ReadObjectAsync(request);
        if (fields is null)
        {
            return bodyProblem!;
        }

        fields.OnlyKnown("uploadId");
        var uploadId = fields.String("uploadId", required: true, maxLength: 32, s => s.Length == 32 && s.All(Uri.IsHexDigit), "the uploadId the upload-url call answered");
        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        var (file, read, problem) = await FindAsync(tenant, caseId, name, cases, ct);
        if (file is null)
        {
            return problem!;
        }

        var blobName = CaseStore.DirectUploadBlob(caseId, name, uploadId!);
        if (file.Status == EvidenceStatus.Verified && file.BlobName == blobName)
        {
            return TypedResults.Ok(Receipt(caseId, file, (await cases.GetAsync(tenant, caseId, ct))!.Value.Case.State));
        }

        var blob = cases.Container(tenant).GetBlobClient(blobName);
        if (!(await blob.ExistsAsync(ct)).Value)
        {
            return RequestProblems.NotFound("Nothing was uploaded for this uploadId.", $"Upload {uploadId} of {name} has no stored blob; upload the file to the SAS URL first (an upload not completed within {EvidenceUploadSweeper.CompletionWindow.TotalDays:0} days is deleted).");
        }

        var declared = Declared(file);
        var stored = await EvidenceVerifier.VerifyStoredAsync(blob, declared, ct);
        if (!stored.Verdict.IsOk || file.Status == EvidenceStatus.Verified)
        {
            // A bad upload, or a second copy of a file already verified: the blob is not kept.
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            if (file.Status == EvidenceStatus.Verified)
            {
                return stored.Verdict.IsOk
                    ? TypedResults.Ok(Receipt(caseId, file, (await cases.GetAsync(tenant, caseId, ct))!.Value.Case.State))
                    : RequestProblems.Conflict("This evidence file is already stored with other bytes.", stored.Verdict.Message);
            }

            return Rejected(name, stored.Verdict.Message, stored.Verdict.Kind.ToString());
        }

        var updated = await cases.RecordEvidenceVerifiedAsync(tenant, caseId, name, blobName, stored.ETag.ToString(), ct, (read!.Value.Case, read.Value.ETag, file));
        return TypedResults.Ok(Receipt(caseId, file with { Status = EvidenceStatus.Verified }, updated.State));
    }

    internal static async Task<IResult> Get(string tenant, string caseId, string name, CaseStore cases, CancellationToken ct)
    {
        var (file, _, problem) = await FindAsync(tenant, caseId, name, cases, ct);
        if (file is null)
        {
            return problem!;
        }

        if (file.Status != EvidenceStatus.Verified || file.BlobName is null)
        {
            return RequestProblems.NotFound("This evidence file has not been uploaded yet.", $"{name} is declared but not yet verified.");
        }

        var blob = cases.Container(tenant).GetBlobClient(file.BlobName);
        try
        {
            var download = await blob.DownloadStreamingAsync(new BlobRequestConditions { IfMatch = new ETag(file.ETag!) }, ct);
            return Serve(download.Value, file);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Written again since its verification: by a repeat of the same upload that committed just after the first
            // one's (a retry from a flaky network), or through an upload URL still valid. Served only if its bytes are
            // still the declared ones, and that version is remembered.
            return await ReverifiedAsync(tenant, caseId, file, blob, cases, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return StoredFileChanged(name);
        }
    }

    /// <summary>Whether a verified file's blob is no longer the version its verification recorded (overwritten or deleted since).</summary>
    private static async Task<bool> StoredVersionIsGoneAsync(string tenant, EvidenceFile file, CaseStore cases, CancellationToken ct)
    {
        try
        {
            var properties = await cases.Container(tenant).GetBlobClient(file.BlobName!).GetPropertiesAsync(cancellationToken: ct);
            return properties.Value.ETag.ToString() != file.ETag;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return true;
        }
    }

    private static async Task<IResult> ReverifiedAsync(string tenant, string caseId, EvidenceFile file, BlobClient blob, CaseStore cases, CancellationToken ct)
    {
        try
        {
            var stored = await EvidenceVerifier.VerifyStoredAsync(blob, Declared(file), ct);
            if (!stored.Verdict.IsOk)
            {
                return StoredFileChanged(file.Name);
            }

            await cases.MoveEvidenceToVersionAsync(tenant, caseId, file.Name, file.ETag!, file.BlobName!, stored.ETag.ToString(), ct);
            var download = await blob.DownloadStreamingAsync(new BlobRequestConditions { IfMatch = stored.ETag }, ct);
            return Serve(download.Value, file);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return StoredFileChanged(file.Name);
        }
    }

    private static DeclaredFile Declared(EvidenceFile file) => new(file.Name, file.Sha256, file.Size, file.ContentType);

    private static IResult Serve(BlobDownloadStreamingResult download, EvidenceFile file) =>
        Results.Stream(download.Content, file.ContentType, fileDownloadName: file.Name, enableRangeProcessing: false);

    private static ProblemHttpResult StoredFileChanged(string name) =>
        RequestProblems.Conflict("The stored file changed or vanished after it was verified.", $"{name} no longer matches its verification; upload it again.");

    /// <summary>The case (with the ETag it was read with) and its declared file <paramref name="name"/>, or the problem to answer.</summary>
    private static async Task<(EvidenceFile? File, (ParcelCase Case, ETag ETag)? Case, IResult? Problem)> FindAsync(
        string tenant, string caseId, string name, CaseStore cases, CancellationToken ct)
    {
        // Two point reads at once (listing the case's evidence would be a partition query, which costs more and grows with the files).
        var caseRead = cases.GetAsync(tenant, caseId, ct);
        var fileRead = cases.GetEvidenceFileAsync(tenant, caseId, name, ct);
        await Task.WhenAll(caseRead, fileRead);
        if (await caseRead is not { } found)
        {
            return (null, null, CasesApi.CaseNotFound(caseId));
        }

        return await fileRead is { } file
            ? (file, found, null)
            : (null, null, RequestProblems.NotFound("The survey declared no evidence file of this name.", $"Case {caseId} declares no file '{name}'; declare files in the survey's evidence list."));
    }

    private static async Task<Uri> UserDelegationSasAsync(BlobClient blob, CaseStore cases, string tenant, DateTimeOffset expiresOn, CancellationToken ct)
    {
        var service = cases.BlobService;
        var key = await service.GetUserDelegationKeyAsync(null, expiresOn, ct);
        var sas = new BlobSasBuilder { BlobContainerName = blob.BlobContainerName, BlobName = blob.Name, Resource = "b", ExpiresOn = expiresOn };
        sas.SetPermissions(BlobSasPermissions.Create | BlobSasPermissions.Write);
        return new UriBuilder(blob.Uri) { Query = sas.ToSasQueryParameters(key.Value, service.AccountName).ToString() }.Uri;
    }

    /// <summary>
    /// Reads away what is left of a refused upload before it is answered. A client that sends its whole body before it
    /// reads the answer (most do) would otherwise have the connection reset under it, the refusal lost, when the server
    /// closes it with the body unread; it would see a network failure and send the same wrong file again. A body more
    /// than <see cref="OverrunAllowance"/> past its declared size stops here with the server's own 413, and the
    /// connection is closed.
    /// </summary>
    private static async Task DiscardRestAsync(Stream body, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await body.ReadAsync(buffer, ct) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static EvidenceReceipt Receipt(string caseId, EvidenceFile file, CaseState state) =>
        new(caseId, file.Name, file.Status, file.Size, file.Sha256, state);

    private static ProblemHttpResult Rejected(string name, string message, string rule) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, type: RequestProblems.TypeBase + "evidence-rejected",
            title: "The evidence file does not match its declaration; nothing was stored.", detail: $"{name}: {message}",
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { new FieldError("body", message) }, ["rule"] = rule });

    private static bool SameMediaType(string header, string declared) =>
        string.Equals(header.Split(';')[0].Trim(), declared, StringComparison.OrdinalIgnoreCase);
}
