using System.Globalization;
using System.Net;
using System.Text.Json;
using LandRedevelopment.Functions.Tests.Payments;
using LandRedevelopment.Functions.Tests.Review;

namespace LandRedevelopment.Functions.Tests.Cases;

/// <summary>
/// Where a city's programme stands: its parcels and surveyed land by state, for the city, one district and district by
/// district. On a fixture of its own, so the figures are this test's cases alone.
/// </summary>
public sealed class ProgressTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task The_progress_counts_each_parcel_once_in_its_state_with_its_surveyed_area_by_district()
    {
        var town = fixture.City("karamay");
        using (var empty = await town.SendAsync(HttpMethod.Get, "progress"))
        {
            var none = await SurveyKit.Json(empty);
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            Assert.Equal((0, 0m), (none.GetProperty("cases").GetInt32(), none.GetProperty("areaM2").GetDecimal()));
        }

        // Two parcels in review, one determined, and one in another district waiting for its evidence file.
        var inReview = new[] { await town.StartCaseAsync(), await town.StartCaseAsync() };
        var determined = await town.StartCaseAsync();
        await town.DetermineAsync(determined, ReviewPlanTests.KaramayChain);
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 80, 400_000, 400_000),
            [SurveyKit.Declare("site.jpg", SurveyKit.Jpeg(5000, seed: 3), "image/jpeg")]);
        survey["parcel"]!["district"] = "独山子区";
        survey["parcel"]!["attributes"]![ReviewFixture.CandidateFlag["karamay"]] = true;
        string waiting;
        using (var posted = await town.SendAsync(HttpMethod.Post, "surveys", survey))
        {
            var body = await SurveyKit.Json(posted);
            Assert.True(posted.StatusCode == HttpStatusCode.Created, body.ToString());
            waiting = body.GetProperty("caseId").GetString()!;
        }

        var area = new Dictionary<string, decimal>();
        foreach (var caseId in inReview.Append(determined).Append(waiting))
        {
            area[caseId] = (await town.CaseAsync(caseId)).GetProperty("parcel").GetProperty("areaM2").GetDecimal();
        }

        var report = await ProgressAsync(town, "progress");
        Assert.Equal(4, report.GetProperty("cases").GetInt32());
        Assert.Equal(area.Values.Sum(), report.GetProperty("areaM2").GetDecimal());
        Assert.Equal(decimal.Round(area.Values.Sum() * 0.0015m, 4, MidpointRounding.AwayFromZero), report.GetProperty("areaMu").GetDecimal());
        var byState = States(report);
        Assert.Equal((2, area[inReview[0]] + area[inReview[1]]), byState["InReview"]);
        Assert.Equal((1, area[determined]), byState["DeterminationIssued"]);
        Assert.Equal((1, area[waiting]), byState["AwaitingEvidence"]);
        Assert.Equal(3, byState.Count);

        var districts = report.GetProperty("byDistrict").EnumerateArray().ToDictionary(d => d.GetProperty("district").GetString()!, d => d);
        Assert.Equal(3, districts["克拉玛依区"].GetProperty("cases").GetInt32());
        Assert.Equal((1, area[waiting]), States(districts["独山子区"])["AwaitingEvidence"]);

        // One district alone.
        var one = await ProgressAsync(town, "progress?district=" + Uri.EscapeDataString("独山子区"));
        Assert.Equal(("独山子区", 1, area[waiting]), (one.GetProperty("district").GetString(), one.GetProperty("cases").GetInt32(), one.GetProperty("areaM2").GetDecimal()));

        // Another city sees none of them.
        Assert.Equal(0, (await ProgressAsync(fixture.City("urumqi"), "progress")).GetProperty("cases").GetInt32());
    }

    [Fact]
    public async Task A_parcel_returned_for_rework_counts_under_the_review_that_returned_it()
    {
        // 中卫, which the other test leaves alone: a plan returned for revision, and a parcel returned for more evidence.
        var (town, plan, _) = await PaymentsKit.PlanInReviewAsync(fixture, "zhongwei");
        await town.ReturnAsync(plan, "city-bureau-review#1", "请修改再开发方案");
        var evidence = await town.StartCaseAsync();
        await town.ReturnAsync(evidence, "district-survey#1");

        var returned = (await ProgressAsync(town, "progress")).GetProperty("byState").EnumerateArray()
            .Where(s => s.GetProperty("state").GetString() == "ReturnedForRework")
            .Select(s => (s.GetProperty("returnedTrack").GetString(), s.GetProperty("cases").GetInt32()));
        Assert.Equal([("determination", 1), ("plan", 1)], returned);
    }

    [Theory]
    [InlineData("progress?district=", "district")]
    [InlineData("progress?format=xlsx", "format")]
    public async Task A_bad_query_is_refused_by_name(string query, string field)
    {
        using var response = await fixture.City("karamay").SendAsync(HttpMethod.Get, query);
        var problem = await SurveyKit.Json(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, problem.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The progress report at <paramref name="relative"/> (200, as of a time on the service clock).</summary>
    internal static async Task<JsonElement> ProgressAsync(ReviewCity town, string relative)
    {
        using var response = await town.SendAsync(HttpMethod.Get, relative);
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.True(body.GetProperty("asOf").GetDateTimeOffset() > DateTimeOffset.Parse("2020-01-01", CultureInfo.InvariantCulture));
        return body;
    }

    private static Dictionary<string, (int Cases, decimal AreaM2)> States(JsonElement report) =>
        report.GetProperty("byState").EnumerateArray().ToDictionary(
            s => s.GetProperty("state").GetString()!, s => (s.GetProperty("cases").GetInt32(), s.GetProperty("areaM2").GetDecimal()));
}
