using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LandRedevelopment.Storage.Blobs;

namespace LandRedevelopment.Benchmarks;

/// <summary>
/// Evidence upload MB/s through the app (PUT …/evidence/{name}: streamed into staged blocks, hashed, committed), against
/// a direct staged-block upload of the same bytes through the storage client; and the app's resident memory during it.
/// </summary>
public static class EvidenceBench
{
    private const string City = "urumqi";

    public static async Task<List<Result>> RunAsync(BenchEnv env, BenchOptions o)
    {
        var key = env.Keys[City];
        var container = new BlobServiceClient(env.Azurite.ConnectionString).GetBlobContainerClient("bench-direct");
        await container.CreateIfNotExistsAsync();
        var results = new List<Result>();

        // One untimed upload each way first: the first request down a code path pays for loading and jitting it, in the
        // app and in the harness's own client alike; the figures are about the steady state.
        var warmBytes = Bench.Pdf(1024 * 1024, 0);
        var warmSurvey = Bench.Survey(City, candidate: false, Bench.Declare("scan.pdf", warmBytes, "application/pdf"));
        var warmCase = (await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Post, City, key, "surveys", JsonContent.Create(warmSurvey)), HttpStatusCode.Created))
            .GetProperty("caseId").GetString()!;
        await container.GetBlobClient($"direct/{Guid.NewGuid():N}.pdf").UploadAsync(new MemoryStream(warmBytes, writable: false), new BlobUploadOptions { ContentType = "application/pdf" });
        var warmContent = new ByteArrayContent(warmBytes);
        warmContent.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Put, City, key, $"cases/{warmCase}/evidence/scan.pdf", warmContent), HttpStatusCode.Created);

        foreach (var mb in o.EvidenceMb)
        {
            var size = mb * 1024 * 1024;
            var bytes = Bench.Pdf(size, mb);
            var declared = Bench.Declare("scan.pdf", bytes, "application/pdf");
            var repeats = mb <= 1 ? 10 : mb <= 64 ? 2 : 1;
            double appSeconds = 0, directSeconds = 0;
            long rssGrowth = 0, rssBefore = 0, rssPeak = 0;
            for (var r = 0; r < repeats; r++)
            {
                var survey = Bench.Survey(City, candidate: false, (System.Text.Json.Nodes.JsonObject)declared.DeepClone());
                var created = await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Post, City, key, "surveys", JsonContent.Create(survey)), HttpStatusCode.Created);
                var caseId = created.GetProperty("caseId").GetString()!;

                var sw = Stopwatch.StartNew();
                await container.GetBlobClient($"direct/{Guid.NewGuid():N}.pdf").UploadAsync(new MemoryStream(bytes, writable: false), new BlobUploadOptions { ContentType = "application/pdf" });
                directSeconds += sw.Elapsed.TotalSeconds;

                // Let the previous upload's garbage go before taking the starting point.
                await Task.Delay(300);
                await using (var rss = new RssSampler(env.App.Pid))
                {
                    var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
                    sw.Restart();
                    await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Put, City, key, $"cases/{caseId}/evidence/scan.pdf", content), HttpStatusCode.Created);
                    appSeconds += sw.Elapsed.TotalSeconds;
                    await Task.Delay(50);
                    if (rss.Peak - rss.Start > rssGrowth)
                    {
                        (rssGrowth, rssBefore, rssPeak) = (rss.Peak - rss.Start, rss.Start, rss.Peak);
                    }
                }
            }

            var app = mb * repeats / appSeconds;
            var direct = mb * repeats / directSeconds;
            Bench.Log($"evidence {mb} MB: app {app:0.0} MB/s, direct {direct:0.0} MB/s, ratio {app / direct:0.00}, app RSS +{rssGrowth / 1048576.0:0.0} MB ({rssBefore / 1048576.0:0} → {rssPeak / 1048576.0:0} MB)");
            results.Add(new Result($"evidence upload MB/s, {mb} MB file", app, "MB/s", direct, "ratio ≥ 0.8", app / direct >= 0.8, $"×{repeats}"));
            results.Add(new Result($"app RSS growth during {mb} MB upload", rssGrowth / 1048576.0, "MB", null, mb >= 256 ? "< 64 MB" : null,
                mb >= 256 ? rssGrowth < 64L * 1024 * 1024 : null, $"VmRSS sampled every 10 ms: {rssBefore / 1048576.0:0} → {rssPeak / 1048576.0:0} MB"));
        }

        return results;
    }
}
