using System.Net;
using System.Text.Json.Nodes;

namespace LandRedevelopment.Functions.Tests.Cases;

/// <summary>Mutated surveys and odd evidence requests get 4xx, never 5xx.</summary>
public class HostileInputTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Mutated_surveys_are_answered_with_4xx_or_2xx_never_5xx()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var random = new Random(20261122);
        JsonNode?[] junk = [null, 0, -1, 1e308, "", "x", true, new JsonArray(), new JsonObject(), new JsonArray(new JsonArray()), "2026-02-30", "../", new string('长', 5000)];
        var sent = 0;
        for (var i = 0; i < 250; i++)
        {
            var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 10, eastMetres: i * 20), SurveyKit.Declare("a.jpg", SurveyKit.Jpeg(100), "image/jpeg"));
            for (var m = 0; m < 1 + random.Next(3); m++)
            {
                Mutate(survey, random, junk);
            }

            using var response = await field.SubmitAsync(survey);
            Assert.True((int)response.StatusCode < 500, $"mutation {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{survey.ToJsonString()}");
            sent++;
        }

        Console.WriteLine($"hostile surveys: {sent} sent, none answered 5xx");
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("a%00b.jpg")]
    [InlineData("CON.jpg")]
    public async Task Odd_evidence_names_are_4xx(string escapedName)
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        using var created = await field.SubmitAsync(SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 10)));
        var caseId = (await SurveyKit.Json(created)).GetProperty("caseId").GetString();

        using var put = await field.SendAsync(HttpMethod.Put, $"cases/{caseId}/evidence/{escapedName}", new ByteArrayContent([1, 2, 3]));
        using var get = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/{escapedName}");

        Assert.InRange((int)put.StatusCode, 400, 499);
        Assert.InRange((int)get.StatusCode, 400, 499);
    }

    private static void Mutate(JsonObject survey, Random random, JsonNode?[] junk) => Faults.HostileBodies.ReplaceRandomNode(survey, random, junk);
}
