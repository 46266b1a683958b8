using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Functions.Tests.Cases;

/// <summary>Builds surveys, parcels and evidence files for the end-to-end tests.</summary>
public static class SurveyKit
{
    /// <summary>A spot in each seed city and a district the city's policy knows.</summary>
    public static readonly IReadOnlyDictionary<string, (double Lon, double Lat, string District)> Places = new Dictionary<string, (double, double, string)>
    {
        ["karamay"] = (84.8731, 45.5958, "克拉玛依区"),
        ["urumqi"] = (87.6168, 43.8256, "天山区"),
        ["zhongwei"] = (105.1968, 37.5003, "沙坡头区"),
        ["jiamusi"] = (130.3189, 46.7998, "向阳区"),
    };

    /// <summary>A square parcel of <paramref name="sideMetres"/> whose south-west corner is offset east/north from the point.</summary>
    public static JsonObject Square(double lon, double lat, double sideMetres, double eastMetres = 0, double northMetres = 0)
    {
        const double metresPerDegree = 111_320;
        var dLat = sideMetres / metresPerDegree;
        var dLon = sideMetres / (metresPerDegree * Math.Cos(lat * Math.PI / 180));
        var x0 = lon + eastMetres / (metresPerDegree * Math.Cos(lat * Math.PI / 180));
        var y0 = lat + northMetres / metresPerDegree;
        return new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(
                Point(x0, y0), Point(x0 + dLon, y0), Point(x0 + dLon, y0 + dLat), Point(x0, y0 + dLat), Point(x0, y0))),
        };
    }

    private static JsonArray Point(double x, double y) => new(Math.Round(x, 8), Math.Round(y, 8));

    public static byte[] Jpeg(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xE0;
        return bytes;
    }

    public static byte[] Pdf(int size, int seed = 2)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The facts a built-in city asks every redevelopment plan to state (中卫 sections 5(2), 4(5)), for a plan the original
    /// land user carries out with no expropriation on a 20,000 m² project that joins no scattered plots; null for a city
    /// that asks for none.
    /// </summary>
    public static JsonObject? PlanAttributes(string tenant) => tenant == "zhongwei"
        ? new JsonObject
        {
            ["implementedByOriginalLandUser"] = true,
            ["involvesExpropriationOrReclamation"] = false,
            ["projectAreaM2"] = 20000,
            ["scatteredPlotsAreaM2"] = 0,
            ["largestScatteredPlotAreaM2"] = 0,
        }
        : null;

    public static JsonObject Declare(string name, byte[] bytes, string contentType) => new()
    {
        ["name"] = name,
        ["sha256"] = Sha256(bytes),
        ["size"] = bytes.Length,
        ["contentType"] = contentType,
    };

    /// <summary>A survey valid for the city's policy: ownership facts given, a 100 m square, the files declared.</summary>
    public static JsonObject Survey(string city, string landCode, JsonObject geometry, params JsonObject[] evidence)
    {
        var policy = SeedPolicies.Get(city).Policy;
        var (_, _, district) = Places[city];
        var attributes = new JsonObject();
        foreach (var name in new[] { "ownershipClear", "urbanStateOwnedStockConstructionLand", "urbanStockConstructionLand", "stockConstructionLandWithinUrbanBoundary" })
        {
            if (policy.Attributes.Any(a => a.Name == name))
            {
                attributes[name] = true;
            }
        }

        attributes["ownershipDisputed"] = false;
        return new JsonObject
        {
            ["submissionId"] = "sub-" + Guid.NewGuid().ToString("N"),
            ["surveyedOn"] = "2026-06-10",
            ["surveyor"] = "李明 (field team 3)",
            ["parcel"] = new JsonObject
            {
                ["landCode"] = landCode,
                ["district"] = district,
                ["landUse"] = "industrial",
                ["declaredAreaM2"] = 10000,
                ["geometry"] = geometry,
                ["attributes"] = attributes,
            },
            ["evidence"] = new JsonArray(evidence.Select(e => (JsonNode)e).ToArray()),
        };
    }

    public static string LandCode() => "650203" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}

/// <summary>A tenant onboarded with a seed city's policy, and calls on its field API.</summary>
public sealed class FieldClient(AppFixture fixture, string tenant, string key)
{
    public string Tenant { get; } = tenant;

    public string Key { get; } = key;

    public static async Task<FieldClient> OnboardAsync(AppFixture fixture, string city)
    {
        var id = city + "-" + Guid.NewGuid().ToString("N")[..6];
        using var response = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants",
            new { id, displayName = SeedPolicies.Get(city).DisplayName, timeZone = "Asia/Shanghai", policy = JsonNode.Parse(SeedPolicies.Get(city).Json) }));
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body.ToString());
        return new FieldClient(fixture, id, body.GetProperty("apiKey").GetString()!);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, $"api/t/{Tenant}/{relative}") { Content = content };
        request.Headers.Add("X-Api-Key", Key);
        return fixture.Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> SubmitAsync(JsonObject survey) => SendAsync(HttpMethod.Post, "surveys", JsonContent.Create(survey));

    public Task<HttpResponseMessage> PutEvidenceAsync(string caseId, string name, byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return SendAsync(HttpMethod.Put, $"cases/{caseId}/evidence/{Uri.EscapeDataString(name)}", content);
    }

    /// <summary>Asks for an upload URL of a declared file (which must be granted).</summary>
    public async Task<(string UploadId, Uri Url)> UploadUrlAsync(string caseId, string name)
    {
        using var response = await SendAsync(HttpMethod.Post, $"cases/{caseId}/evidence/{name}/upload-url");
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("uploadId").GetString()!, new Uri(body.GetProperty("url").GetString()!));
    }

    /// <summary>Uploads PDF bytes straight to storage through an upload URL, as a field app does (which must succeed).</summary>
    public static async Task PutToSasAsync(Uri url, byte[] bytes)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2025-11-05");
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"SAS upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> CaseAsync(string caseId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"cases/{caseId}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await SurveyKit.Json(response);
    }
}
