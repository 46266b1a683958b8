using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using LandRedevelopment.Functions.Cases;
using LandRedevelopment.Storage.Blobs;

namespace LandRedevelopment.Functions.Tests.Cases;

/// <summary>The app with an adjustable clock and no trigger runner: the upload sweep runs only when a test invokes it.</summary>
public sealed class SweepAppFixture : AppFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Clock__Adjustable"] = "true",
        ["LocalTriggers__Enabled"] = "false",
    };
}

/// <summary>
/// The daily <c>EvidenceUploadSweeper</c> function, invoked as the Functions host invokes it: direct uploads a field app
/// abandoned are deleted once the completion window has passed by the service clock; the completed one stays and is served.
/// </summary>
public class UploadSweepTests(SweepAppFixture fixture) : IClassFixture<SweepAppFixture>
{
    [Fact]
    public async Task Abandoned_direct_uploads_are_deleted_after_the_completion_window_and_the_completed_one_is_kept()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var report = SurveyKit.Pdf(200 * 1024);
        var plan = SurveyKit.Pdf(100 * 1024, seed: 3);
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        using var submitted = await field.SubmitAsync(SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 30),
            SurveyKit.Declare("report.pdf", report, "application/pdf"), SurveyKit.Declare("plan.pdf", plan, "application/pdf")));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var caseId = (await SurveyKit.Json(submitted)).GetProperty("caseId").GetString()!;

        // The report is uploaded twice (a retry through a fresh URL) and completed once; the plan is uploaded and never completed.
        var (completedId, completedUrl) = await field.UploadUrlAsync(caseId, "report.pdf");
        await FieldClient.PutToSasAsync(completedUrl, report);
        var (_, retryUrl) = await field.UploadUrlAsync(caseId, "report.pdf");
        await FieldClient.PutToSasAsync(retryUrl, report);
        using (var complete = await field.SendAsync(HttpMethod.Post, $"cases/{caseId}/evidence/report.pdf/complete", JsonContent.Create(new { uploadId = completedId })))
        {
            Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        }

        var (planId, planUrl) = await field.UploadUrlAsync(caseId, "plan.pdf");
        await FieldClient.PutToSasAsync(planUrl, plan);
        var uploads = await UploadsOf(field.Tenant, caseId);
        Assert.Equal(3, uploads.Count);

        // The geometry of a survey that stopped before its case was written, and was never sent again.
        var container = new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("t-" + field.Tenant);
        var ghost = container.GetBlobClient($"cases/{Guid.NewGuid():N}/parcel.geojson");
        await ghost.UploadAsync(new BinaryData("{\"type\":\"Polygon\",\"coordinates\":[]}"u8.ToArray()), new BlobUploadOptions());

        // Within the window nothing goes.
        var early = await SweepAsync();
        Assert.Equal(uploads, await UploadsOf(field.Tenant, caseId));
        Assert.Contains("0 abandoned ones deleted, 0 blobs of work that never committed deleted", early, StringComparison.Ordinal);
        Assert.True((await ghost.ExistsAsync()).Value);

        using (var advanced = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/clock",
            new { advance = System.Xml.XmlConvert.ToString(EvidenceUploadSweeper.CompletionWindow + TimeSpan.FromHours(1)) })))
        {
            Assert.Equal(HttpStatusCode.OK, advanced.StatusCode);
        }

        var late = await SweepAsync();

        Assert.Equal([$"cases/{caseId}/uploads/{completedId}/report.pdf"], await UploadsOf(field.Tenant, caseId));
        Assert.Contains($"2 abandoned ones deleted, 1 blobs of work that never committed deleted ({report.Length + plan.Length + 35} bytes in all)", late, StringComparison.Ordinal);
        Assert.False((await ghost.ExistsAsync()).Value);
        Assert.True((await container.GetBlobClient($"cases/{caseId}/parcel.geojson").ExistsAsync()).Value);
        using var download = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/report.pdf");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(SHA256.HashData(report), SHA256.HashData(await download.Content.ReadAsByteArrayAsync()));

        // The plan's completion, a week and more late, finds nothing and says to upload again.
        using var tooLate = await field.SendAsync(HttpMethod.Post, $"cases/{caseId}/evidence/plan.pdf/complete", JsonContent.Create(new { uploadId = planId }));
        Assert.Equal(HttpStatusCode.NotFound, tooLate.StatusCode);
        Assert.Contains("upload the file to the SAS URL first", await tooLate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Invokes the function as the Functions host does; its log lines, joined.</summary>
    private async Task<string> SweepAsync()
    {
        var envelope = new { Data = new { sweep = new { Schedule = new { AdjustForDST = true }, IsPastDue = false } }, Metadata = new { } };
        using var response = await fixture.Http.PostAsJsonAsync("EvidenceUploadSweeper", envelope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        return string.Join("\n", doc.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
    }

    private async Task<List<string>> UploadsOf(string tenant, string caseId)
    {
        var names = new List<string>();
        var container = new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("t-" + tenant);
        await foreach (var blob in container.GetBlobsAsync($"cases/{caseId}/uploads/"))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
