using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Functions.Tests.Api;

/// <summary>Screening through the real app with the built-in Karamay policy, at the thresholds of art. 4 and art. 10.</summary>
public class ScreeningApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private async Task<(string Tenant, string Key)> OnboardKaramayAsync()
    {
        var id = "karamay-" + Guid.NewGuid().ToString("N")[..6];
        using var response = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants",
            new { id, displayName = "克拉玛依市", timeZone = "Asia/Shanghai", policy = JsonNode.Parse(SeedPolicies.Get("karamay").Json) }));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return (id, body.GetProperty("apiKey").GetString()!);
    }

    private async Task<HttpResponseMessage> Screen(string tenant, string key, object facts)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/t/{tenant}/screenings") { Content = JsonContent.Create(facts) };
        request.Headers.Add("X-Api-Key", key);
        return await fixture.Http.SendAsync(request);
    }

    private static object Parcel(string landUse, Dictionary<string, object> attributes) => new
    {
        landUse,
        district = "克拉玛依区",
        surveyedOn = "2026-06-10",
        attributes = new Dictionary<string, object>(attributes) { ["ownershipClear"] = true, ["ownershipDisputed"] = false, ["urbanStateOwnedStockConstructionLand"] = true },
    };

    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static JsonElement Criterion(JsonElement result, string idPart) =>
        result.GetProperty("screening").GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("source").GetString()!.Contains(idPart, StringComparison.Ordinal));

    [Fact]
    public async Task Idle_industrial_land_counts_from_the_day_its_first_year_has_fully_run()
    {
        var (tenant, key) = await OnboardKaramayAsync();

        using var dayBefore = await Screen(tenant, key, Parcel("industrial", new() { ["idleSince"] = "2025-06-10" }));
        using var dayAfter = await Screen(tenant, key, Parcel("industrial", new() { ["idleSince"] = "2025-06-09" }));

        Assert.Equal(HttpStatusCode.OK, dayBefore.StatusCode);
        var before = await Json(dayBefore);
        var after = await Json(dayAfter);
        Assert.False(Criterion(before, "art. 4(2)").GetProperty("met").GetBoolean());
        Assert.True(Criterion(after, "art. 4(2)").GetProperty("met").GetBoolean());
        Assert.Equal("candidate", after.GetProperty("screening").GetProperty("outcome").GetString());
        Assert.Equal(1, after.GetProperty("policyVersion").GetInt32());
        Assert.False(string.IsNullOrEmpty(after.GetProperty("reviewChainId").GetString()));
    }

    [Fact]
    public async Task The_whitelist_wins_over_a_met_criterion_and_a_disputed_parcel_fails_its_precondition()
    {
        var (tenant, key) = await OnboardKaramayAsync();

        using var whitelisted = await Screen(tenant, key, Parcel("industrial", new() { ["idleSince"] = "2020-01-01", ["onExemptionWhitelist"] = true }));
        var disputedFacts = Parcel("industrial", new() { ["idleSince"] = "2020-01-01" });
        ((Dictionary<string, object>)disputedFacts.GetType().GetProperty("attributes")!.GetValue(disputedFacts)!)["ownershipDisputed"] = true;
        using var disputed = await Screen(tenant, key, disputedFacts);

        Assert.Equal("exempt", (await Json(whitelisted)).GetProperty("screening").GetProperty("outcome").GetString());
        Assert.Equal("preconditionFailed", (await Json(disputed)).GetProperty("screening").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Bad_facts_are_400_naming_every_field_and_rule()
    {
        var (tenant, key) = await OnboardKaramayAsync();

        using var response = await Screen(tenant, key, new
        {
            landUse = "moon-base",
            district = "克拉玛依区",
            surveyedOn = "10/06/2026",
            attributes = new Dictionary<string, object> { ["floorAreaRatio"] = "high", ["noSuchFact"] = 1, ["idleSince"] = "last year" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Contains("land uses", errors["$.landUse"], StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", errors["$.surveyedOn"], StringComparison.Ordinal);
        Assert.Contains("number", errors["$.attributes.floorAreaRatio"], StringComparison.Ordinal);
        Assert.Contains("not an attribute", errors["$.attributes.noSuchFact"], StringComparison.Ordinal);
        Assert.Contains("date", errors["$.attributes.idleSince"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_below_the_policys_minimum_is_400_naming_the_field_and_the_bound()
    {
        var (tenant, key) = await OnboardKaramayAsync();

        using var response = await Screen(tenant, key, Parcel("industrial", new() { ["floorAreaRatio"] = -0.3, ["contiguousIdleAreaM2"] = 0 }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await Json(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("$.attributes.floorAreaRatio", error.GetProperty("path").GetString());
        Assert.Equal("must be at least 0 (the policy's minimum for floorAreaRatio)", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_policy_schema_and_reference_are_published()
    {
        using var schema = await fixture.Http.GetAsync("api/policy-schema.json");
        using var reference = await fixture.Http.GetAsync("api/policy-reference.md");

        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Equal("application/schema+json", schema.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PolicySchema.Id, (await Json(schema)).GetProperty("$id").GetString());
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("screening", await reference.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
