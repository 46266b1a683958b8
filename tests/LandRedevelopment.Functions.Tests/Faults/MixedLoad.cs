using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// A mixed load on karamay through whichever app instance <see cref="Target"/> names at the moment: surveys (some
/// with an evidence file, uploaded through the app), decisions through mailed links, and contracts. It records what
/// the service acknowledged (2xx) so the checks afterwards can hold the service to it, and counts what it tried.
/// </summary>
internal sealed class MixedLoad(ReviewFixture fixture, Func<int, HttpClient> target)
{
    public static readonly string[] Determination = ["district-investigation", "district-government-confirmation", "city-bureau-review", "district-determination"];

    public static readonly string[] Plan = ["district-plan-review"];

    private readonly ReviewCity _town = fixture.City("karamay");
    private int _turn;

    public ConcurrentBag<string> Cases { get; } = [];

    public ConcurrentBag<(string CaseId, string Name)> Uploads { get; } = [];

    public ConcurrentBag<string> Decided { get; } = [];

    public ConcurrentBag<(string CaseId, string ContractId)> Contracts { get; } = [];

    public ConcurrentDictionary<string, int> Counts { get; } = new();

    /// <summary>
    /// How many surveys the load posts at most (null: as many as it can until stopped). Every case the load leaves in
    /// review gives the clock's advance afterwards its own timers and mails to fire, so a test that advances the clock
    /// bounds them to keep that work the same from run to run.
    /// </summary>
    public int? MaxSurveys { get; init; }

    /// <summary>How long each survey worker waits after a survey, so that a bounded load still spans the whole run.</summary>
    public TimeSpan SurveyPause { get; init; }

    private int _surveys;

    /// <summary>Cases on the redevelopment track, made before the load, for its contracts.</summary>
    public List<string> Redevelopment { get; } = [];

    private HttpClient Target() => target(Interlocked.Increment(ref _turn));

    public async Task PrepareAsync(int redevelopmentCases)
    {
        for (var i = 0; i < redevelopmentCases; i++)
        {
            var caseId = await _town.StartCaseAsync();
            await _town.ToRedevelopmentAsync(caseId, Determination, Plan);
            Redevelopment.Add(caseId);
        }
    }

    /// <summary>Runs the load until <paramref name="until"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken until)
    {
        var workers = new List<Task> { SurveysAsync(until), SurveysAsync(until), DecisionsAsync(until), ContractsAsync(until) };
        await Task.WhenAll(workers);
    }

    private async Task SurveysAsync(CancellationToken until)
    {
        var n = 0;
        while (!until.IsCancellationRequested && (MaxSurveys is not { } most || Interlocked.Increment(ref _surveys) <= most))
        {
            var withFile = n++ % 2 == 0;
            var bytes = SurveyKit.Jpeg(20_000 + n, seed: n);
            var (lon, lat, _) = SurveyKit.Places["karamay"];
            var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 50, Random.Shared.Next(0, 500_000), Random.Shared.Next(0, 500_000)),
                withFile ? [SurveyKit.Declare("site.jpg", bytes, "image/jpeg")] : []);
            survey["parcel"]!["attributes"]!["inRenewalArea"] = true;
            var body = await SendAsync("survey", HttpMethod.Post, "surveys", JsonContent.Create(survey));
            if (body?.GetProperty("caseId").GetString() is not { } caseId)
            {
                continue;
            }

            Cases.Add(caseId);
            if (withFile)
            {
                // A retry of an upload the service acknowledged before a kill is also fine (200); keep trying until one is.
                for (var attempt = 0; attempt < 20 && !until.IsCancellationRequested; attempt++)
                {
                    var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
                    if (await SendAsync("upload", HttpMethod.Put, $"cases/{caseId}/evidence/site.jpg", content) is not null)
                    {
                        Uploads.Add((caseId, "site.jpg"));
                        break;
                    }
                }
            }

            if (SurveyPause > TimeSpan.Zero && !until.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(SurveyPause, until);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task DecisionsAsync(CancellationToken until)
    {
        var done = new HashSet<string>();
        while (!until.IsCancellationRequested)
        {
            var mails = await fixture.MailDev.MessagesAsync(CancellationToken.None);
            var pending = Cases.Where(c => !done.Contains(c)).ToHashSet();
            foreach (var mail in mails.Where(m => m.Header("x-review-kind") == "decision-request" && m.Header("x-review-step") == Determination[0] + "#1"
                && m.Header("x-case-id") is { } id && pending.Contains(id)))
            {
                var caseId = mail.Header("x-case-id")!;
                var token = ReviewFixture.Token(ReviewFixture.Link(mail, "approve"));
                var form = new FormUrlEncodedContent([KeyValuePair.Create("comment", "同意")]);
                try
                {
                    using var response = await Target().PostAsync("api/review/" + token, form, CancellationToken.None);
                    Count("decision", response.StatusCode);
                    if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict)
                    {
                        // 409: an earlier try committed before the instance died; either way the step is decided.
                        done.Add(caseId);
                    }

                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Decided.Add(caseId);
                    }
                }
                catch (HttpRequestException)
                {
                    Counts.AddOrUpdate("decision:no-answer", 1, (_, v) => v + 1);
                }

                if (until.IsCancellationRequested)
                {
                    break;
                }
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }

    private async Task ContractsAsync(CancellationToken until)
    {
        foreach (var caseId in Redevelopment)
        {
            var contract = new JsonObject
            {
                ["contractId"] = "HT-" + caseId,
                ["version"] = 1,
                ["signedOn"] = "2026-11-20",
                ["priceBasis"] = "appraisal-difference",
                ["appraisals"] = new JsonObject
                {
                    ["newConditions"] = new JsonObject { ["amount"] = "3000000.00", ["valuationDate"] = "2026-10-01" },
                    ["originalConditions"] = new JsonObject { ["amount"] = "1000000.00", ["valuationDate"] = "2026-10-01" },
                },
            };
            while (!until.IsCancellationRequested)
            {
                if (await SendAsync("contract", HttpMethod.Post, $"cases/{caseId}/contract", JsonContent.Create(contract)) is not null)
                {
                    Contracts.Add((caseId, "HT-" + caseId));
                    break;
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>Sends to the current target; the body of a 2xx answer, or null (error status, or no answer from a dying instance).</summary>
    private async Task<JsonElement?> SendAsync(string kind, HttpMethod method, string relative, HttpContent content)
    {
        try
        {
            using var request = new HttpRequestMessage(method, $"api/t/karamay/{relative}") { Content = content };
            request.Headers.Add("X-Api-Key", fixture.Keys["karamay"]);
            using var response = await Target().SendAsync(request, CancellationToken.None);
            Count(kind, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone() : null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            Counts.AddOrUpdate(kind + ":no-answer", 1, (_, v) => v + 1);
            await Task.Delay(100, CancellationToken.None);
            return null;
        }
    }

    private void Count(string kind, HttpStatusCode status) => Counts.AddOrUpdate($"{kind}:{(int)status}", 1, (_, v) => v + 1);

    public string Report() => string.Join(", ", Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));

    /// <summary>Waits until no outbox row is left anywhere: everything committed has been delivered.</summary>
    public async Task WaitForEmptyOutboxAsync(TimeSpan timeout)
    {
        var cases = new TableClient(fixture.Azurite.ConnectionString, "cases");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = new List<string>();
            await foreach (var row in cases.QueryAsync(TableClient.CreateQueryFilter($"RowKey ge {"outbox-"} and RowKey lt {"outbox."}")))
            {
                left.Add($"{row.PartitionKey}/{row.RowKey} {row.GetString("Kind")} at {row.GetDateTimeOffset("At"):O} lease {row.GetDateTimeOffset("LeaseUntil"):O}");
            }

            if (left.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{left.Count} outbox rows were never delivered: {string.Join("; ", left)}");
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// The service kept its word: every acknowledged survey, upload, decision and contract is in storage, no case has a
    /// transition applied twice, and every decision's next mail arrived. Returns the number of cases checked.
    /// </summary>
    public async Task<int> VerifyAsync(AppProcess reader)
    {
        var checkedCases = 0;
        foreach (var caseId in Cases.Concat(Redevelopment).Distinct())
        {
            var view = await _town.CaseAsync(caseId, reader);
            var timeline = await _town.TimelineAsync(caseId, reader);
            AssertNoTransitionTwice(caseId, timeline);
            if (Uploads.Contains((caseId, "site.jpg")))
            {
                Assert.Equal("Verified", view.GetProperty("evidence")[0].GetProperty("status").GetString());
            }

            checkedCases++;
        }

        foreach (var caseId in Decided)
        {
            var timeline = await _town.TimelineAsync(caseId, reader);
            Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepApproved" && e.GetProperty("data").GetProperty("stepId").GetString() == Determination[0]);
            await fixture.MailAsync(caseId, "decision-request", Determination[1] + "#1", timeout: TimeSpan.FromSeconds(60));
        }

        foreach (var (caseId, _) in Contracts)
        {
            var timeline = await _town.TimelineAsync(caseId, reader);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!timeline.Any(e => e.GetProperty("type").GetString() == "PaymentScheduleComputed"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no schedule for {caseId}");
                await Task.Delay(500);
                timeline = await _town.TimelineAsync(caseId, reader);
            }

            Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentScheduleComputed");
            Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ContractRecorded");
        }

        return checkedCases;
    }

    /// <summary>One transition per accepted event: events numbered 1..n without gaps, each step visit entered and decided at most once.</summary>
    public static void AssertNoTransitionTwice(string caseId, IReadOnlyList<JsonElement> timeline)
    {
        Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e.GetProperty("sequence").GetInt32()));
        foreach (var type in new[] { "StepEntered", "StepApproved", "ReminderRaised", "StepOverdue", "ReviewStarted", "SurveySubmitted", "SurveyCompleted" })
        {
            var visits = timeline.Where(e => e.GetProperty("type").GetString() == type)
                .Select(e => e.GetProperty("data").TryGetProperty("stepId", out var s) ? $"{s.GetString()}#{e.GetProperty("data").GetProperty("attempt").GetInt32()}" : type)
                .ToList();
            Assert.True(visits.Count == visits.Distinct().Count(), $"case {caseId}: {type} twice: {string.Join(", ", visits)}");
        }
    }
}
