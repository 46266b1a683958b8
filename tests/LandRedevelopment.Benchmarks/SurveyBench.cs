using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Cases;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Benchmarks;

/// <summary>
/// Survey submissions per second through the app, against the storage operations a submission needs done directly
/// (the same CaseStore and TenantDirectory calls, in the same order, on the same Azurite): API key check, tenant and
/// policy reads, submission claim, case read, parcel claim, overlap query, container, geometry blob, case
/// transaction (renewing the parcel claim under its ETag), index upsert, and the evidence and event reads of the answer.
/// </summary>
public static class SurveyBench
{
    private const string City = "urumqi";

    public static async Task<List<Result>> RunAsync(BenchEnv env, BenchOptions o)
    {
        var key = env.Keys[City];
        var conn = env.Azurite.ConnectionString;
        var tables = new TableServiceClient(conn);
        var directory = new TenantDirectory(tables.GetTableClient("tenants"), TimeProvider.System);
        var store = new CaseStore(tables, new BlobServiceClient(conn), TimeProvider.System);

        // One submission through the app gives the stored shapes (screening, attributes) the baseline writes too.
        var sample = await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Post, City, key, "surveys", JsonContent.Create(NewSurvey())), HttpStatusCode.Created);
        var screening = sample.GetProperty("screening").Clone();
        var attributes = sample.GetProperty("parcel").GetProperty("attributes").Clone();

        async Task App(int _)
        {
            var content = JsonContent.Create(NewSurvey());
            await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Post, City, key, "surveys", content), HttpStatusCode.Created);
        }

        async Task Direct(int _)
        {
            var ct = CancellationToken.None;
            var submissionId = "bench-" + Guid.NewGuid().ToString("N");
            if (!await directory.VerifyApiKeyAsync(City, key, ct))
            {
                throw new InvalidOperationException("key");
            }

            var policy = await directory.GetPolicyAsync(City, null, ct);
            var caseId = CaseStore.CaseIdFor(City, submissionId);
            await store.ClaimSubmissionAsync(City, submissionId, Guid.NewGuid().ToString("N"), caseId, ct);
            if (await store.GetAsync(City, caseId, ct) is not null)
            {
                throw new InvalidOperationException("exists");
            }

            var landCode = Bench.LandCode();
            await store.ClaimParcelAsync(City, landCode, caseId, _ => false, ct);
            var square = (JsonObject)Bench.Square(City);
            var envelope = Envelope(square);
            await store.InEnvelopeAsync(City, envelope, ct);
            var now = DateTimeOffset.UtcNow;
            var c = new ParcelCase
            {
                TenantId = City, CaseId = caseId, State = CaseState.AwaitingEvidence, PolicyVersion = policy.Version, SubmissionId = submissionId,
                LandCode = landCode, District = "天山区", LandUse = "industrial", SurveyedOn = new DateOnly(2026, 6, 10), Surveyor = "李明 (bench)",
                DeclaredAreaM2 = 10000, AreaM2 = 10000, AreaMu = 15, GaussKrugerZone = 29, Attributes = attributes, Screening = screening,
                IsCandidate = false, Outcome = "notCandidate", Version = 1, CreatedAt = now, UpdatedAt = now,
            };
            var evidence = new[] { new EvidenceFile("现场照片.pdf", new string('a', 64), 1000, "application/pdf", EvidenceStatus.Pending, null, null, null) };
            var events = new List<(string, object)> { ("SurveySubmitted", new { submissionId, surveyor = c.Surveyor, surveyedOn = c.SurveyedOn, policyVersion = 1, outcome = c.Outcome, evidence = 1 }) };
            var json = square.ToJsonString();
            if (await store.CreateClaimedAsync(c, evidence, events, json, ct) != CaseCreation.Created)
            {
                throw new InvalidOperationException("not created");
            }

            await store.UpsertIndexAsync(c, envelope, json, ct);
            await store.GetEvidenceAsync(City, caseId, ct);
            await store.GetEventsAsync(City, caseId, ct);
        }

        // Warm both paths (JIT, connection pools) before measuring: past 30 calls, the count at which the runtime
        // recompiles a method called per request with full optimisation, and the time that compilation takes.
        await Bench.RunAsync(60, 4, App);
        await Bench.RunAsync(60, 4, Direct);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var results = new List<Result>();
        foreach (var c in o.Concurrency)
        {
            var n = c == 1 ? o.Surveys : o.Surveys * 3;
            // Alternating halves keep the two runs on tables of about the same size (Azurite scans the index per overlap query).
            var (directA, _) = await Bench.RunAsync(n / 2, c, Direct);
            var (appA, appLat) = await Bench.RunAsync(n / 2, c, App);
            var (directB, _) = await Bench.RunAsync(n - n / 2, c, Direct);
            var (appB, appLat2) = await Bench.RunAsync(n - n / 2, c, App);
            var app = n / (appA + appB).TotalSeconds;
            var direct = n / (directA + directB).TotalSeconds;
            var p50 = Bench.Median(appLat.Concat(appLat2));
            Bench.Log($"surveys c={c}: app {app:0.0}/s (p50 {p50:0.0} ms), storage ops {direct:0.0}/s, ratio {app / direct:0.00}");
            results.Add(new Result($"survey submissions/s, concurrency {c}", app, "/s", direct, "ratio ≥ 0.8", app / direct >= 0.8, $"n={n}, app p50 {p50:0.0} ms"));
        }

        return results;
    }

    private static JsonObject NewSurvey() =>
        Bench.Survey(City, candidate: false, Bench.Declare("现场照片.pdf", Bench.Pdf(1000, 1), "application/pdf"));

    private static (double, double, double, double) Envelope(JsonObject polygon)
    {
        var ring = polygon["coordinates"]![0]!.AsArray().Select(p => (X: p![0]!.GetValue<double>(), Y: p[1]!.GetValue<double>())).ToList();
        return (ring.Min(p => p.X), ring.Min(p => p.Y), ring.Max(p => p.X), ring.Max(p => p.Y));
    }
}
