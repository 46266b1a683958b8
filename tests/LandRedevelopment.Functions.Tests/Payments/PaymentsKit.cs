using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;

namespace LandRedevelopment.Functions.Tests.Payments;

/// <summary>Cases on the redevelopment track, land-price contracts and the payments view, for the payment tests and the fault tests.</summary>
public static class PaymentsKit
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The determination and plan chains (step ids in order) of each built-in city.</summary>
    public static readonly Dictionary<string, (string[] Determination, string[] Plan)> Chains = new()
    {
        ["karamay"] = (["district-investigation", "district-government-confirmation", "city-bureau-review", "district-determination"], ["district-plan-review"]),
        ["urumqi"] = (["district-investigation", "city-bureau-review"], ["city-bureau-review", "city-government-approval"]),
        ["zhongwei"] = (["district-survey", "city-bureau-determination"], ["city-bureau-review", "city-government-approval"]),
        ["jiamusi"] = (["district-investigation", "city-bureau-determination"], ["city-bureau-review", "city-government-approval"]),
    };

    /// <summary>Polls the payments view of the case until it has <paramref name="status"/> (and <paramref name="version"/>).</summary>
    public static async Task<JsonElement> WaitPaymentsAsync(ReviewCity town, string caseId, string status, int? version = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await town.SendAsync(HttpMethod.Get, $"cases/{caseId}/payments");
            var body = await SurveyKit.Json(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
            if (body.GetProperty("status").GetString() == status && (version is null || body.GetProperty("contractVersion").GetInt32() == version))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"payments of {caseId} did not become {status}: {body}");
            await Task.Delay(200);
        }
    }

    /// <summary>A case of the city on the redevelopment track: determined, served, its plan (keeping the land use) approved.</summary>
    public static async Task<(ReviewCity Town, string CaseId, DateOnly Today)> RedevelopmentAsync(ReviewFixture fixture, string city)
    {
        var (town, caseId, today) = await PlanInReviewAsync(fixture, city);
        var (determination, plan) = Chains[city];
        foreach (var step in plan)
        {
            // A step id the determination chain also used is on its second visit.
            await town.DecideAsync(caseId, $"{step}#{1 + determination.Count(s => s == step)}");
        }

        await town.WaitStateAsync(caseId, "Redevelopment");
        return (town, caseId, today);
    }

    /// <summary>A case of the city whose plan (keeping the land use) is in review: determined, served today, the plan submitted.</summary>
    public static async Task<(ReviewCity Town, string CaseId, DateOnly Today)> PlanInReviewAsync(ReviewFixture fixture, string city)
    {
        var town = fixture.City(city);
        var caseId = await town.StartCaseAsync();
        await town.DetermineAsync(caseId, Chains[city].Determination);
        var today = Today(await fixture.NowAsync());
        using (var served = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/service", new { servedOn = Day(today) }))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", new { submissionId = "plan-" + Guid.NewGuid().ToString("N"), newLandUse = "industrial", attributes = SurveyKit.PlanAttributes(town.Tenant) }))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        return (town, caseId, today);
    }

    /// <summary>A land-price contract signed on <paramref name="signed"/>; amounts in yuan as strings, the plan as (amount, due day) pairs.</summary>
    public static JsonObject Contract(string? basis, DateOnly signed, DateOnly? effective = null, string? newAmount = null, string? originalAmount = null,
        (string Amount, DateOnly DueOn)[]? plan = null)
    {
        var appraisals = new JsonObject();
        if (newAmount is not null)
        {
            appraisals["newConditions"] = new JsonObject { ["amount"] = newAmount, ["valuationDate"] = Day(signed.AddDays(-30)) };
        }

        if (originalAmount is not null)
        {
            appraisals["originalConditions"] = new JsonObject { ["amount"] = originalAmount, ["valuationDate"] = Day(signed.AddDays(-30)) };
        }

        var contract = new JsonObject
        {
            ["contractId"] = "HT-" + Guid.NewGuid().ToString("N")[..12],
            ["version"] = 1,
            ["signedOn"] = Day(signed),
            ["appraisals"] = appraisals,
        };
        if (basis is not null)
        {
            contract["priceBasis"] = basis;
        }

        if (effective is { } e)
        {
            contract["effectiveOn"] = Day(e);
        }

        if (plan is not null)
        {
            contract["requestedPlan"] = new JsonArray(plan.Select(p => (JsonNode)new JsonObject { ["amount"] = p.Amount, ["dueOn"] = Day(p.DueOn) }).ToArray());
        }

        return contract;
    }

    /// <summary>
    /// The contract with the consent to pay in instalments Karamay asks (克拉玛依 art. 8(1) 报市人民政府同意后), by the city
    /// government on the signing day unless <paramref name="givenOn"/> says otherwise.
    /// </summary>
    public static JsonObject WithConsent(this JsonObject contract, string by = "city-government", DateOnly? givenOn = null)
    {
        contract["instalmentConsent"] = new JsonObject
        {
            ["by"] = by,
            ["reference"] = "克政函〔2026〕12号",
            ["givenOn"] = givenOn is { } day ? Day(day) : contract["signedOn"]!.GetValue<string>(),
        };
        return contract;
    }

    /// <summary>
    /// The contract stating its kind of transfer: by default the one Karamay and Urumqi let pay in instalments, the agreement
    /// transfer at the end of the transition period (克拉玛依 art. 8(1), 乌鲁木齐 item 11: 过渡期满 … 协议出让).
    /// </summary>
    public static JsonObject WithTransfer(this JsonObject contract, string kind = "agreement-transfer-after-transition")
    {
        contract["transfer"] = kind;
        return contract;
    }

    /// <summary>The calendar day in Shanghai at <paramref name="now"/>.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Shanghai).DateTime);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
