using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// Bad input to the review endpoints of the field API: 400 problem+json naming the field, and the case's timeline
/// does not move; a request the case's state does not allow is 409, an unknown case 404.
/// </summary>
public sealed class ReviewInputTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private readonly ReviewCity _town = fixture.City("karamay");

    public static TheoryData<string, string, string> BadBodies => new()
    {
        // POST service
        { "service", """{}""", "$.servedOn" },
        { "service", """{"servedOn":"2026-13-40"}""", "$.servedOn" },
        { "service", """{"servedOn":"20260601"}""", "$.servedOn" },
        { "service", """{"servedOn":"2026-06-01","servedBy":"邮寄"}""", "$.servedBy" },

        // POST plan
        { "plan", """{"newLandUse":"commercial-services"}""", "$.submissionId" },
        { "plan", """{"submissionId":"plan-1","newLandUse":"casino"}""", "$.newLandUse" },
        { "plan", """{"submissionId":"plan-1","newLandUse":"commercial-services","documents":[{"name":"plan.pdf","sha256":"not-a-hash","size":100,"contentType":"application/pdf"}]}""", "$.documents[0].sha256" },
        {
            "plan", $$"""{"submissionId":"plan-1","newLandUse":"commercial-services","documents":[{"name":"plan.pdf","sha256":"{{Sha}}","size":100,"contentType":"application/pdf"},{"name":"PLAN.pdf","sha256":"{{Sha}}","size":100,"contentType":"application/pdf"}]}""",
            "$.documents[1].name"
        },

        // POST plan/documents
        { "plan/documents", """{"kind":"Soil Survey!"}""", "$.kind" },
        { "plan/documents", """{"kind":"soil-pollution-survey","approvedBy":"city-bureau"}""", "$.approvedBy" },

        // POST resubmission
        { "resubmission", """{"submissionId":"resub-1","evidence":"photo.jpg"}""", "$.evidence" },
        { "resubmission", """{"submissionId":"resub-1","evidence":[{"name":"photo.jpg","sha256":"00ff","size":100,"contentType":"image/jpeg"}]}""", "$.evidence[0].sha256" },
        { "resubmission", $$"""{"submissionId":"resub-1","evidence":[{"name":"run.sh","sha256":"{{Sha}}","size":100,"contentType":"text/x-shellscript"}]}""", "$.evidence[0].contentType" },
        { "resubmission", $$"""{"submissionId":"resub-1","evidence":[{"name":"../photo.jpg","sha256":"{{Sha}}","size":100,"contentType":"image/jpeg"}]}""", "$.evidence[0].name" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_refused_naming_the_field_and_changes_nothing(string endpoint, string body, string path)
    {
        var caseId = await _town.StartCaseAsync();
        await AssertRefusedAsync(caseId, endpoint, JsonNode.Parse(body)!, HttpStatusCode.BadRequest, path);
    }

    [Fact]
    public async Task A_service_date_in_the_future_is_refused()
    {
        // 中卫: a parcel in the industrial park is determined in one step.
        var town = fixture.City("zhongwei");
        var caseId = await town.StartCaseAsync("zhongwei-industrial-park");
        await town.DetermineAsync(caseId, "park-committee-determination");
        var today = await TodayAsync();

        await AssertRefusedAsync(caseId, "service", new JsonObject { ["servedOn"] = Date(today.AddDays(3)) }, HttpStatusCode.BadRequest, "$.servedOn", town);
        await AssertRefusedAsync(caseId, "service", new JsonObject { ["servedOn"] = Date(today.AddDays(-400)) }, HttpStatusCode.BadRequest, "$.servedOn", town);
        Assert.Equal("DeterminationIssued", (await town.CaseAsync(caseId)).GetProperty("state").GetString());

        // Today is accepted: the refusals were the dates.
        using var served = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/service", new { servedOn = Date(today) });
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Service_of_a_case_still_in_review_is_a_conflict()
    {
        var caseId = await _town.StartCaseAsync();
        var today = await TodayAsync();
        var problem = await AssertRefusedAsync(caseId, "service", new JsonObject { ["servedOn"] = Date(today) }, HttpStatusCode.Conflict);
        Assert.Equal("InReview", problem.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unknown_case_is_not_found()
    {
        var unknown = "c" + Guid.NewGuid().ToString("N")[..20];
        var requests = new (HttpMethod Method, string Relative, object? Body)[]
        {
            (HttpMethod.Get, $"cases/{unknown}", null),
            (HttpMethod.Get, $"cases/{unknown}/timeline", null),
            (HttpMethod.Get, $"cases/{unknown}/determination-notice", null),
            (HttpMethod.Post, $"cases/{unknown}/service", new { servedOn = "2026-06-01" }),
            (HttpMethod.Post, $"cases/{unknown}/plan", new { submissionId = "plan-1", newLandUse = "commercial-services" }),
            (HttpMethod.Post, $"cases/{unknown}/plan/documents", new { kind = "soil-pollution-survey" }),
            (HttpMethod.Post, $"cases/{unknown}/resubmission", new { submissionId = "resub-1" }),
        };
        foreach (var (method, relative, body) in requests)
        {
            using var response = await _town.SendAsync(method, relative, body);
            await ReviewFixture.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
    }

    private async Task<System.Text.Json.JsonElement> AssertRefusedAsync(string caseId, string endpoint, JsonNode body, HttpStatusCode status, string? path = null, ReviewCity? town = null)
    {
        town ??= _town;
        var before = await town.TimelineAsync(caseId);
        using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/{endpoint}", body);
        var problem = await ReviewFixture.AssertProblemAsync(response, status, path);
        var after = await town.TimelineAsync(caseId);
        Assert.Equal(before.Select(e => e.GetRawText()), after.Select(e => e.GetRawText()));
        return problem;
    }

    /// <summary>The service's today in the cities' zone (UTC+8).</summary>
    private async Task<DateOnly> TodayAsync() => DateOnly.FromDateTime((await fixture.NowAsync()).ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
