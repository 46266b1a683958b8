using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Cases;

public class EvidenceTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private async Task<(FieldClient Field, string CaseId)> CaseWith(params JsonObject[] evidence)
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        using var response = await field.SubmitAsync(SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 30), evidence));
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return (field, body.GetProperty("caseId").GetString()!);
    }

    private async Task<IReadOnlyList<string>> BlobsOf(string tenant, string caseId)
    {
        var names = new List<string>();
        var container = new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("t-" + tenant);
        await foreach (var blob in container.GetBlobsAsync($"cases/{caseId}/evidence/"))
        {
            names.Add(blob.Name);
        }

        await foreach (var blob in container.GetBlobsAsync($"cases/{caseId}/uploads/"))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    [Fact]
    public async Task A_file_that_does_not_match_its_declaration_is_refused_and_leaves_no_blob()
    {
        var photo = SurveyKit.Jpeg(50_000);
        var (field, caseId) = await CaseWith(SurveyKit.Declare("photo.jpg", photo, "image/jpeg"));
        var tampered = (byte[])photo.Clone();
        tampered[^1] ^= 0xFF;
        var png = (byte[])photo.Clone();
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);

        using var wrongHash = await field.PutEvidenceAsync(caseId, "photo.jpg", tampered, "image/jpeg");
        using var wrongSize = await field.PutEvidenceAsync(caseId, "photo.jpg", photo[..^10], "image/jpeg");
        using var wrongType = await field.PutEvidenceAsync(caseId, "photo.jpg", png, "image/jpeg");
        using var wrongHeader = await field.PutEvidenceAsync(caseId, "photo.jpg", photo, "application/pdf");
        using var undeclared = await field.PutEvidenceAsync(caseId, "other.jpg", photo, "image/jpeg");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongHash.StatusCode);
        Assert.Contains("SHA-256", await wrongHash.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongSize.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongType.StatusCode);
        Assert.Contains("image/png", await wrongType.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongHeader.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, undeclared.StatusCode);
        Assert.Empty(await BlobsOf(field.Tenant, caseId));
        Assert.Equal("AwaitingEvidence", (await field.CaseAsync(caseId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_overlong_upload_sent_whole_before_its_answer_is_read_gets_its_422_not_a_reset()
    {
        // A client that writes its whole body before it reads (as most do), sending 12 MB for a declared 20 kB photo,
        // chunked so that only the body itself shows the overrun: it must get the refusal, not a reset connection.
        var photo = SurveyKit.Jpeg(20_000);
        var (field, caseId) = await CaseWith(SurveyKit.Declare("photo.jpg", photo, "image/jpeg"));
        var address = fixture.Http.BaseAddress!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"PUT /api/t/{field.Tenant}/cases/{caseId}/evidence/photo.jpg HTTP/1.1\r\nHost: {address.Authority}\r\n" +
            $"X-Api-Key: {field.Key}\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        var chunk = new byte[64 * 1024];
        photo.CopyTo(chunk, 0);
        var chunkHead = System.Text.Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        for (var i = 0; i < 12 * 16; i++)
        {
            await stream.WriteAsync(chunkHead);
            await stream.WriteAsync(chunk);
            await stream.WriteAsync("\r\n"u8.ToArray());
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 422", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("the file is longer", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await BlobsOf(field.Tenant, caseId));
        using var right = await field.PutEvidenceAsync(caseId, "photo.jpg", photo, "image/jpeg");
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
    }

    [Fact]
    public async Task An_identical_repeat_is_200_and_different_bytes_for_a_stored_file_409()
    {
        var photo = SurveyKit.Jpeg(40_000);
        var (field, caseId) = await CaseWith(SurveyKit.Declare("photo.jpg", photo, "image/jpeg"));
        using var first = await field.PutEvidenceAsync(caseId, "photo.jpg", photo, "image/jpeg");
        var other = SurveyKit.Jpeg(40_000, seed: 9);

        using var repeat = await field.PutEvidenceAsync(caseId, "photo.jpg", photo, "image/jpeg");
        using var different = await field.PutEvidenceAsync(caseId, "photo.jpg", other, "image/jpeg");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        var view = await field.CaseAsync(caseId);
        Assert.Single(view.GetProperty("history").EnumerateArray(), e => e.GetProperty("type").GetString() == "EvidenceVerified");
        using var download = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/photo.jpg");
        Assert.Equal(photo, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_verified_file_written_again_is_served_only_with_its_declared_bytes_and_an_upload_of_them_restores_it()
    {
        var photo = SurveyKit.Jpeg(30_000);
        var (field, caseId) = await CaseWith(SurveyKit.Declare("photo.jpg", photo, "image/jpeg"));
        using var first = await field.PutEvidenceAsync(caseId, "photo.jpg", photo, "image/jpeg");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var blob = new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("t-" + field.Tenant)
            .GetBlobClient(LandRedevelopment.Cases.CaseStore.EvidenceBlob(caseId, "photo.jpg"));
        var rows = new LandRedevelopment.Storage.Tables.TableClient(fixture.ConnectionString, "cases");
        async Task<string?> RecordedVersion() =>
            (await rows.GetEntityAsync(LandRedevelopment.Cases.CaseStore.PartitionOf(field.Tenant, caseId), "evidence-photo.jpg")).Value.GetString("ETag");

        // The same bytes committed again (a repeat of the upload that committed just after the first): a new version.
        await blob.UploadAsync(new MemoryStream(photo), new BlobUploadOptions { ContentType = "image/jpeg" });
        var rewritten = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        Assert.NotEqual(rewritten, await RecordedVersion());
        using (var same = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/photo.jpg"))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            Assert.Equal(photo, await same.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(rewritten, await RecordedVersion());

        // Other bytes written over it (through an upload URL still valid): not served.
        await blob.UploadAsync(new MemoryStream(SurveyKit.Jpeg(30_000, seed: 5)), new BlobUploadOptions { ContentType = "image/jpeg" });
        using (var changed = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/photo.jpg"))
        {
            Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        }

        Assert.Equal(rewritten, await RecordedVersion());

        // As the answer says, uploading the declared bytes again stores them again; the case's history is unchanged.
        using var again = await field.PutEvidenceAsync(caseId, "photo.jpg", photo, "image/jpeg");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using (var restored = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/photo.jpg"))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
            Assert.Equal(photo, await restored.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal((await blob.GetPropertiesAsync()).Value.ETag.ToString(), await RecordedVersion());
        var view = await field.CaseAsync(caseId);
        Assert.Single(view.GetProperty("history").EnumerateArray(), e => e.GetProperty("type").GetString() == "EvidenceVerified");
    }

    [Fact]
    public async Task A_large_file_goes_straight_to_storage_through_a_SAS_URL_and_is_verified_on_completion()
    {
        var report = SurveyKit.Pdf(3 * 1024 * 1024);
        var (field, caseId) = await CaseWith(SurveyKit.Declare("report.pdf", report, "application/pdf"));

        // A bad upload first: completion refuses it and deletes the blob.
        var (badId, badUrl) = await field.UploadUrlAsync(caseId, "report.pdf");
        await FieldClient.PutToSasAsync(badUrl, SurveyKit.Pdf(3 * 1024 * 1024, seed: 5));
        using var badComplete = await field.SendAsync(HttpMethod.Post, $"cases/{caseId}/evidence/report.pdf/complete", JsonContent.Create(new { uploadId = badId }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badComplete.StatusCode);
        Assert.Empty(await BlobsOf(field.Tenant, caseId));

        var (uploadId, url) = await field.UploadUrlAsync(caseId, "report.pdf");
        await FieldClient.PutToSasAsync(url, report);
        using var complete = await field.SendAsync(HttpMethod.Post, $"cases/{caseId}/evidence/report.pdf/complete", JsonContent.Create(new { uploadId }));
        using var again = await field.SendAsync(HttpMethod.Post, $"cases/{caseId}/evidence/report.pdf/upload-url");

        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        Assert.Equal("ReadyForReview", (await SurveyKit.Json(complete)).GetProperty("caseState").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var download = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/report.pdf");
        Assert.Equal(SurveyKit.Sha256(report), Convert.ToHexStringLower(SHA256.HashData(await download.Content.ReadAsByteArrayAsync())));

        // The SAS is write-only: it cannot read the file back.
        using var http = new HttpClient();
        using var read = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
    }

    [Fact]
    public async Task A_256_MB_upload_streams_through_the_app_with_flat_memory()
    {
        const long size = 256L * 1024 * 1024;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(new GeneratedStream(size, 7, JpegStart)));
        var (field, caseId) = await CaseWith(new JsonObject { ["name"] = "drone.jpg", ["sha256"] = sha, ["size"] = size, ["contentType"] = "image/jpeg" });
        var pid = fixture.App.Process.Process.Id;
        var before = PeakResidentBytes(pid);

        var content = new StreamContent(new GeneratedStream(size, 7, JpegStart), 64 * 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        content.Headers.ContentLength = size;
        using var response = await field.SendAsync(HttpMethod.Put, $"cases/{caseId}/evidence/drone.jpg", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var growth = PeakResidentBytes(pid) - before;
        Console.WriteLine($"256 MB upload: app peak resident memory grew by {growth / 1024 / 1024} MB");
        Assert.True(growth < 96L * 1024 * 1024, $"peak resident memory grew by {growth / 1024 / 1024} MB during a 256 MB upload");
    }

    private static readonly byte[] JpegStart = [0xFF, 0xD8, 0xFF, 0xE0];

    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
