using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LandRedevelopment.Functions.Tests.Cases;

public class SurveyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("karamay")]
    [InlineData("urumqi")]
    [InlineData("zhongwei")]
    [InlineData("jiamusi")]
    public async Task A_survey_with_its_evidence_reaches_SurveyCompleted_in_each_seed_city(string city)
    {
        var field = await FieldClient.OnboardAsync(fixture, city);
        var (lon, lat, _) = SurveyKit.Places[city];
        var photo = SurveyKit.Jpeg(300_000);
        var report = SurveyKit.Pdf(120_000);
        var survey = SurveyKit.Survey(city, SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 100),
            SurveyKit.Declare("现场照片-01.jpg", photo, "image/jpeg"), SurveyKit.Declare("调查报告.pdf", report, "application/pdf"));

        using var submitted = await field.SubmitAsync(survey);
        var body = await SurveyKit.Json(submitted);
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, body.ToString());
        var caseId = body.GetProperty("caseId").GetString()!;
        Assert.Equal($"/api/t/{field.Tenant}/cases/{caseId}", submitted.Headers.Location?.OriginalString);
        Assert.Equal("AwaitingEvidence", body.GetProperty("state").GetString());
        Assert.True(body.GetProperty("screening").GetProperty("result").TryGetProperty("outcome", out _));
        Assert.All(body.GetProperty("evidence").EnumerateArray(), e => Assert.Equal("Pending", e.GetProperty("status").GetString()));

        using var first = await field.PutEvidenceAsync(caseId, "现场照片-01.jpg", photo, "image/jpeg");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("AwaitingEvidence", (await SurveyKit.Json(first)).GetProperty("caseState").GetString());
        using var second = await field.PutEvidenceAsync(caseId, "调查报告.pdf", report, "application/pdf");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("ReadyForReview", (await SurveyKit.Json(second)).GetProperty("caseState").GetString());

        // The evidence-complete signal may already have moved the case on (screened out, or into review): the survey's
        // own events come first either way, and SurveyCompleted is among them once.
        var view = await field.CaseAsync(caseId);
        var history = view.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["SurveySubmitted", "EvidenceVerified", "EvidenceVerified", "SurveyCompleted"], history.Take(4).ToArray());
        Assert.Single(history, t => t == "SurveyCompleted");
        Assert.Contains(view.GetProperty("state").GetString(), new[] { "ReadyForReview", "ScreenedOut", "InReview" });
        Assert.InRange(view.GetProperty("parcel").GetProperty("areaM2").GetDecimal(), 9_900m, 10_100m);
        Assert.InRange(view.GetProperty("parcel").GetProperty("areaMu").GetDecimal(), 14.85m, 15.15m);

        using var download = await field.SendAsync(HttpMethod.Get, $"cases/{caseId}/evidence/{Uri.EscapeDataString("调查报告.pdf")}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(report, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_retry_with_the_same_content_answers_200_with_the_same_case_and_other_content_409()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 50, 2000));

        using var first = await field.SubmitAsync(survey);
        // The same survey with its members in another order is the same content.
        var reordered = new JsonObject(survey.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        using var retry = await field.SubmitAsync(reordered);
        var changed = (JsonObject)survey.DeepClone();
        changed["surveyor"] = "someone else";
        using var conflict = await field.SubmitAsync(changed);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((await SurveyKit.Json(first)).GetProperty("caseId").GetString(), (await SurveyKit.Json(retry)).GetProperty("caseId").GetString());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Racing_retries_of_one_submission_make_one_case_with_one_submitted_event()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 50, 4000));

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => field.SubmitAsync(survey)));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        var ids = new HashSet<string>();
        foreach (var r in responses)
        {
            ids.Add((await SurveyKit.Json(r)).GetProperty("caseId").GetString()!);
            r.Dispose();
        }

        var view = await field.CaseAsync(Assert.Single(ids));
        Assert.Single(view.GetProperty("history").EnumerateArray(), e => e.GetProperty("type").GetString() == "SurveySubmitted");
    }

    [Fact]
    public async Task A_new_survey_of_a_parcel_in_review_is_409_naming_the_case()
    {
        var field = await FieldClient.OnboardAsync(fixture, "urumqi");
        var (lon, lat, _) = SurveyKit.Places["urumqi"];
        var landCode = SurveyKit.LandCode();
        // A candidate (a criterion met), so its case goes to review and holds the parcel.
        var candidate = SurveyKit.Survey("urumqi", landCode, SurveyKit.Square(lon, lat, 60));
        candidate["parcel"]!["attributes"]!["plannedForRenewal"] = true;
        using var first = await field.SubmitAsync(candidate);
        var caseId = (await SurveyKit.Json(first)).GetProperty("caseId").GetString();

        var refused = SurveyKit.Survey("urumqi", landCode, SurveyKit.Square(lon, lat, 60));
        using var second = await field.SubmitAsync(refused);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(caseId, (await SurveyKit.Json(second)).GetProperty("caseId").GetString());
        // The refusal leaves no trace: its submission id is not bound to anything.
        var submissions = new LandRedevelopment.Storage.Tables.TableClient(fixture.ConnectionString, "submissions");
        Assert.False((await submissions.GetEntityIfExistsAsync(field.Tenant, refused["submissionId"]!.GetValue<string>())).HasValue);
    }

    [Fact]
    public async Task Concurrent_first_surveys_of_one_parcel_make_one_live_case_and_the_others_are_409_naming_it()
    {
        var field = await FieldClient.OnboardAsync(fixture, "urumqi");
        var (lon, lat, _) = SurveyKit.Places["urumqi"];
        var landCode = SurveyKit.LandCode();
        // Six candidate surveys of one land code, each with its own submission id, all sent at once.
        var surveys = Enumerable.Range(0, 6).Select(_ =>
        {
            var survey = SurveyKit.Survey("urumqi", landCode, SurveyKit.Square(lon, lat, 60));
            survey["parcel"]!["attributes"]!["plannedForRenewal"] = true;
            return survey;
        }).ToList();

        var responses = await Task.WhenAll(surveys.Select(field.SubmitAsync));

        var bodies = new List<(HttpStatusCode Status, JsonElement Body)>();
        foreach (var r in responses)
        {
            bodies.Add((r.StatusCode, await SurveyKit.Json(r)));
            r.Dispose();
        }

        var created = Assert.Single(bodies, b => b.Status == HttpStatusCode.Created);
        var caseId = created.Body.GetProperty("caseId").GetString();
        Assert.All(bodies.Where(b => b.Status != HttpStatusCode.Created), b =>
        {
            Assert.Equal(HttpStatusCode.Conflict, b.Status);
            Assert.EndsWith("parcel-in-review", b.Body.GetProperty("type").GetString());
            Assert.Equal(caseId, b.Body.GetProperty("caseId").GetString());
        });
        using var listed = await field.SendAsync(HttpMethod.Get, "cases?pageSize=100");
        var cases = (await SurveyKit.Json(listed)).GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("landCode").GetString() == landCode).ToList();
        Assert.Equal(caseId, Assert.Single(cases).GetProperty("caseId").GetString());
        // The refused submissions are not bound: each can go through once the parcel is free.
        var submissions = new LandRedevelopment.Storage.Tables.TableClient(fixture.ConnectionString, "submissions");
        foreach (var survey in surveys.Where(s => s["submissionId"]!.GetValue<string>() != created.Body.GetProperty("submissionId").GetString()))
        {
            Assert.False((await submissions.GetEntityIfExistsAsync(field.Tenant, survey["submissionId"]!.GetValue<string>())).HasValue);
        }
    }

    [Fact]
    public async Task A_retried_survey_writes_the_index_row_its_first_try_never_wrote()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var landCode = SurveyKit.LandCode();
        var photo = SurveyKit.Jpeg(20_000);
        var survey = SurveyKit.Survey("karamay", landCode, SurveyKit.Square(lon, lat, 80, 6000), SurveyKit.Declare("现场照片-01.jpg", photo, "image/jpeg"));
        using var first = await field.SubmitAsync(survey);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var caseId = (await SurveyKit.Json(first)).GetProperty("caseId").GetString()!;
        // As the first try would leave it had it stopped between writing the case and its index row.
        var index = new LandRedevelopment.Storage.Tables.TableClient(fixture.ConnectionString, "caseindex");
        await index.DeleteEntityAsync(field.Tenant, caseId);

        // A transition meanwhile writes no partial row.
        using var upload = await field.PutEvidenceAsync(caseId, "现场照片-01.jpg", photo, "image/jpeg");
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.DoesNotContain(await ListedAsync(field), c => c.GetProperty("caseId").GetString() == caseId);

        using var retry = await field.SubmitAsync(survey);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        // The review may move the case on meanwhile: the row has its state as it was just before the listing or after.
        var before = (await field.CaseAsync(caseId)).GetProperty("state").GetString();
        var listed = Assert.Single(await ListedAsync(field), c => c.GetProperty("caseId").GetString() == caseId);
        var after = (await field.CaseAsync(caseId)).GetProperty("state").GetString();
        Assert.Equal(landCode, listed.GetProperty("landCode").GetString());
        Assert.InRange(listed.GetProperty("areaM2").GetDecimal(), 6_300m, 6_500m);
        Assert.Contains(listed.GetProperty("state").GetString(), new[] { before, after });
    }

    private static async Task<List<JsonElement>> ListedAsync(FieldClient field)
    {
        using var response = await field.SendAsync(HttpMethod.Get, "cases?pageSize=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await SurveyKit.Json(response)).GetProperty("cases").EnumerateArray().ToList();
    }

    [Fact]
    public async Task A_string_attribute_longer_than_the_maximum_is_400_naming_it_and_the_maximum_goes_through()
    {
        var field = await FieldClient.OnboardAsync(fixture, "zhongwei");
        var (lon, lat, _) = SurveyKit.Places["zhongwei"];
        var max = LandRedevelopment.Screening.AttributeValue.MaxStringLength;
        var tooLong = SurveyKit.Survey("zhongwei", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 40, 8000));
        // Counted in characters, whatever their encoded size.
        tooLong["parcel"]!["attributes"]!["newLandUse"] = new string('住', max + 1);

        using var refused = await field.SubmitAsync(tooLong);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single((await SurveyKit.Json(refused)).GetProperty("errors").EnumerateArray());
        Assert.Equal("$.parcel.attributes.newLandUse", error.GetProperty("path").GetString());
        Assert.Contains($"at most {max} characters", error.GetProperty("message").GetString());
        Assert.Empty(await ListedAsync(field));

        var longest = SurveyKit.Survey("zhongwei", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 40, 8000));
        longest["parcel"]!["attributes"]!["newLandUse"] = new string('住', max);
        using var accepted = await field.SubmitAsync(longest);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task An_overlapping_parcel_and_a_wrong_declared_area_are_flagged_not_refused()
    {
        var field = await FieldClient.OnboardAsync(fixture, "zhongwei");
        var (lon, lat, _) = SurveyKit.Places["zhongwei"];
        using var first = await field.SubmitAsync(SurveyKit.Survey("zhongwei", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 100)));
        var firstId = (await SurveyKit.Json(first)).GetProperty("caseId").GetString();
        var overlapping = SurveyKit.Survey("zhongwei", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 100, eastMetres: 50));
        overlapping["parcel"]!["declaredAreaM2"] = 13_000;

        using var second = await field.SubmitAsync(overlapping);

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var body = await SurveyKit.Json(second);
        Assert.Equal([firstId!], body.GetProperty("overlappingCases").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var flags = body.GetProperty("screening").GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(flags, f => f.Contains(firstId!, StringComparison.Ordinal));
        Assert.Contains(flags, f => f.Contains("declared area", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> BadSurveys => new()
    {
        { "submissionId", "$.submissionId" },
        { "surveyedOn", "$.surveyedOn" },
        { "landUse", "$.parcel.landUse" },
        { "unclosed", "$.parcel.geometry.coordinates[0]" },
        { "longitude", "$.parcel.geometry.coordinates[0][1]" },
        { "point", "$.parcel.geometry.type" },
        { "attribute", "$.parcel.attributes.ownershipClear" },
        { "unknownAttribute", "$.parcel.attributes.sunshine" },
        { "traversal", "$.evidence[0].name" },
        { "contentType", "$.evidence[0].contentType" },
        { "size", "$.evidence[0].size" },
        { "sha", "$.evidence[0].sha256" },
        { "duplicate", "$.evidence[1].name" },
        { "extra", "$.parcel.colour" },
        { "count", "$.evidence" },
        { "bodyShape", "$.parcel" },
    };

    [Theory]
    [MemberData(nameof(BadSurveys))]
    public async Task A_bad_survey_is_400_naming_the_field_and_creates_no_case(string breakage, string path)
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var photo = SurveyKit.Jpeg(1000);
        var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 40), SurveyKit.Declare("a.jpg", photo, "image/jpeg"));
        var parcel = survey["parcel"]!;
        var ring = (JsonArray)parcel["geometry"]!["coordinates"]![0]!;
        var file = survey["evidence"]![0]!;
        switch (breakage)
        {
            case "submissionId": survey["submissionId"] = "has spaces and /"; break;
            case "surveyedOn": survey["surveyedOn"] = "2026-13-40"; break;
            case "landUse": parcel["landUse"] = "moon-base"; break;
            case "unclosed": ring.RemoveAt(ring.Count - 1); ring.Add(new JsonArray(lon + 0.1, lat + 0.1)); break;
            case "longitude": ring[1] = new JsonArray(190.0, lat); break;
            case "point": parcel["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(lon, lat) }; break;
            case "attribute": parcel["attributes"]!["ownershipClear"] = "yes"; break;
            case "unknownAttribute": parcel["attributes"]!["sunshine"] = true; break;
            case "traversal": file["name"] = "../../etc/passwd.jpg"; break;
            case "contentType": file["contentType"] = "application/x-msdownload"; break;
            case "size": file["size"] = 10L * 1024 * 1024 * 1024 * 1024; break;
            case "sha": file["sha256"] = "abc"; break;
            case "duplicate": ((JsonArray)survey["evidence"]!).Add(SurveyKit.Declare("a.jpg", photo, "image/jpeg")); break;
            case "extra": parcel["colour"] = "red"; break;
            case "count":
                var many = new JsonArray();
                for (var n = 0; n < 51; n++)
                {
                    many.Add(SurveyKit.Declare($"p{n}.jpg", photo, "image/jpeg"));
                }

                survey["evidence"] = many;
                break;
            case "bodyShape": survey["parcel"] = new JsonArray(1, 2); break;
        }

        using var response = await field.SubmitAsync(survey);
        using var list = await field.SendAsync(HttpMethod.Get, "cases");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var paths = (await SurveyKit.Json(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        Assert.Contains(paths, p => p == path || p.StartsWith(path, StringComparison.Ordinal));
        Assert.Equal(0, (await SurveyKit.Json(list)).GetProperty("cases").GetArrayLength());
    }

    [Fact]
    public async Task Too_many_vertices_an_oversized_body_and_a_non_JSON_body_are_refused()
    {
        var field = await FieldClient.OnboardAsync(fixture, "karamay");
        var (lon, lat, _) = SurveyKit.Places["karamay"];
        var ring = new JsonArray();
        for (var i = 0; i < 10_001; i++)
        {
            var angle = 2 * Math.PI * i / 10_001;
            ring.Add(new JsonArray(Math.Round(lon + 0.001 * Math.Cos(angle), 8), Math.Round(lat + 0.001 * Math.Sin(angle), 8)));
        }

        ring.Add(ring[0]!.DeepClone());
        var survey = SurveyKit.Survey("karamay", SurveyKit.LandCode(), new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) });

        using var vertices = await field.SubmitAsync(survey);
        using var huge = await field.SendAsync(HttpMethod.Post, "surveys", new StringContent("{\"pad\":\"" + new string('x', 5 * 1024 * 1024) + "\"}", System.Text.Encoding.UTF8, "application/json"));
        using var form = await field.SendAsync(HttpMethod.Post, "surveys", new StringContent("a=b", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, vertices.StatusCode);
        Assert.Contains("vertices", await vertices.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }
}
