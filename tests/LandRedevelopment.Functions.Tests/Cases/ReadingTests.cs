using System.Net;
using System.Text.Json;

namespace LandRedevelopment.Functions.Tests.Cases;

public class ReadingTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Cases_list_by_state_and_district_in_pages_and_the_map_has_every_parcel()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var photo = SurveyKit.Jpeg(2000);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var survey = i == 0
                ? SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 20, eastMetres: 100 * i), SurveyKit.Declare("p.jpg", photo, "image/jpeg"))
                : SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 20, eastMetres: 100 * i));
            if (i == 2)
            {
                survey["parcel"]!["district"] = "独山子区";
            }

            using var response = await field.SubmitAsync(survey);
            ids.Add((await SurveyKit.Json(response)).GetProperty("caseId").GetString()!);
        }

        var paged = new List<string>();
        string? token = null;
        do
        {
            using var page = await field.SendAsync(HttpMethod.Get, "cases?pageSize=1" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            var body = await SurveyKit.Json(page);
            paged.AddRange(body.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("caseId").GetString()!));
            token = body.GetProperty("continuationToken").ValueKind == JsonValueKind.String ? body.GetProperty("continuationToken").GetString() : null;
        }
        while (token is not null);

        using var awaiting = await field.SendAsync(HttpMethod.Get, "cases?state=AwaitingEvidence");
        using var district = await field.SendAsync(HttpMethod.Get, "cases?district=" + Uri.EscapeDataString("独山子区"));
        using var badState = await field.SendAsync(HttpMethod.Get, "cases?state=flying");
        using var map = await field.SendAsync(HttpMethod.Get, "parcels.geojson");

        Assert.Equal(ids.Order(), paged.Order());
        Assert.Equal([ids[0]], (await SurveyKit.Json(awaiting)).GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("caseId").GetString()!).ToArray());
        Assert.Equal([ids[2]], (await SurveyKit.Json(district)).GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("caseId").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Equal("application/geo+json", map.Content.Headers.ContentType?.MediaType);
        var features = (await SurveyKit.Json(map)).GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(ids.Order(), features.Select(f => f.GetProperty("properties").GetProperty("caseId").GetString()!).Order());
        Assert.All(features, f => Assert.Equal("Polygon", f.GetProperty("geometry").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_case_even_with_its_own_valid_key()
    {
        var a = await FieldClient.OnboardAsync(fixture, "karamay");
        var b = await FieldClient.OnboardAsync(fixture, "urumqi");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        using var created = await a.SubmitAsync(SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 20)));
        var caseId = (await SurveyKit.Json(created)).GetProperty("caseId").GetString();

        using var asB = await b.SendAsync(HttpMethod.Get, $"cases/{caseId}");
        using var listB = await b.SendAsync(HttpMethod.Get, "cases");

        Assert.Equal(HttpStatusCode.NotFound, asB.StatusCode);
        Assert.Equal(0, (await SurveyKit.Json(listB)).GetProperty("cases").GetArrayLength());
    }
}
