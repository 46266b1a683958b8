using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Payments;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// One endpoint that takes a JSON body, with a body it would accept. <paramref name="RefusedWhenValid"/>: the target is
/// in a state where even that body is refused (a held parcel, a case not at that stage), so any mutation of it must be
/// refused too; otherwise only mutations that can never be valid are sent there.
/// </summary>
public sealed record BodyTarget(string Name, HttpMethod Method, string Url, JsonObject Valid, bool RefusedWhenValid, (string, string)[] Auth, long MaxBytes = 1024 * 1024);

/// <summary>
/// The app with the four built-in cities (<see cref="ReviewFixture"/>) and urumqi cases at every stage the hostile
/// requests aim at: awaiting evidence, in review, a step decided, a plan in review, payments scheduled; a karamay case
/// in review (another city's links); and a case whose links meet malformed forms.
/// </summary>
public sealed class HostileWorld : IAsyncLifetime
{
    public const string Tenant = "urumqi";

    public ReviewFixture Review { get; } = new();

    public HttpClient Http => Review.App.Http;

    public string Key => Review.Keys[Tenant];

    /// <summary>Keys that must not open urumqi: other cities', a revoked one of urumqi, and malformed ones.</summary>
    public Dictionary<string, string> WrongKeys { get; } = [];

    public byte[] Photo { get; } = SurveyKit.Jpeg(2000, seed: 501);

    public byte[] Report { get; } = SurveyKit.Pdf(3000, seed: 502);

    public string AwaitingCase { get; private set; } = "";

    public string InReviewCase { get; private set; } = "";

    public string InReviewLandCode { get; } = SurveyKit.LandCode();

    /// <summary>The approve, return and reject links of the first step of <see cref="InReviewCase"/>.</summary>
    public Dictionary<string, string> InReviewLinks { get; private set; } = [];

    public string DecidedCase { get; private set; } = "";

    /// <summary>The links of the decided first visit of <see cref="DecidedCase"/> (approve was pressed).</summary>
    public Dictionary<string, string> DecidedLinks { get; private set; } = [];

    public string PlanCase { get; private set; } = "";

    public string PayCase { get; private set; } = "";

    public DateOnly Today { get; private set; }

    public string KaramayCase { get; private set; } = "";

    public Dictionary<string, string> KaramayLinks { get; private set; } = [];

    /// <summary>A case whose valid links are posted malformed forms.</summary>
    public string FormCase { get; private set; } = "";

    public Dictionary<string, string> FormLinks { get; private set; } = [];

    public (string, string)[] TenantAuth => [("X-Api-Key", Key)];

    public (string, string)[] AdminAuth => [("Authorization", "Bearer " + Review.AdminKey)];

    public string CaseUrl(string caseId, string rest = "") => $"api/t/{Tenant}/cases/{caseId}{rest}";

    public async Task InitializeAsync()
    {
        await Review.InitializeAsync();
        var town = Review.City(Tenant);
        foreach (var other in new[] { "karamay", "zhongwei", "jiamusi" })
        {
            WrongKeys[other + "'s key"] = Review.Keys[other];
        }

        WrongKeys["a revoked key of urumqi"] = await RevokedKeyAsync();
        WrongKeys["urumqi's key with its last character changed"] = Key[..^1] + (Key[^1] == 'a' ? 'b' : 'a');
        WrongKeys["urumqi's key upper-cased"] = Key.ToUpperInvariant();
        WrongKeys["urumqi's key with a suffix"] = Key + "0";
        WrongKeys["urumqi's key cut short"] = Key[..^4];
        WrongKeys["malformed"] = "lrk_abc";
        WrongKeys["the admin key"] = Review.AdminKey;

        AwaitingCase = await town.SubmitAsync(null, SurveyKit.Declare("site-photo.jpg", Photo, "image/jpeg"), SurveyKit.Declare("report.pdf", Report, "application/pdf"));
        InReviewCase = await town.SubmitParcelAsync(InReviewLandCode, null);
        await town.WaitStateAsync(InReviewCase, "InReview");
        InReviewLinks = await LinksAsync(InReviewCase, "district-investigation#1");

        DecidedCase = await town.StartCaseAsync();
        DecidedLinks = await LinksAsync(DecidedCase, "district-investigation#1");
        await town.DecideAsync(DecidedCase, "district-investigation#1");
        await town.WaitStepAsync(DecidedCase, "city-bureau-review", 1);

        FormCase = await town.StartCaseAsync();
        FormLinks = await LinksAsync(FormCase, "district-investigation#1");

        var karamay = Review.City("karamay");
        KaramayCase = await karamay.StartCaseAsync();
        KaramayLinks = await LinksAsync(KaramayCase, "district-investigation#1");

        (_, PlanCase, _) = await PaymentsKit.PlanInReviewAsync(Review, Tenant);
        (_, PayCase, var today) = await PaymentsKit.RedevelopmentAsync(Review, Tenant);
        Today = today;
        // Instalments months away: no payment timer falls due (and fires in the background) while requests are sent.
        var contract = PaymentsKit.Contract("new-conditions-70", today, newAmount: "2000000.00", plan: [("700000.00", today.AddDays(100)), ("700000.00", today.AddDays(400))]).WithTransfer();
        using (var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{PayCase}/contract", contract))
        {
            Assert.Equal(HttpStatusCode.Accepted, recorded.StatusCode);
        }

        await PaymentsKit.WaitPaymentsAsync(town, PayCase, "scheduled");
    }

    public Task DisposeAsync() => Review.DisposeAsync();

    /// <summary>Every endpoint that takes a JSON body, each with a body it would take.</summary>
    public IReadOnlyList<BodyTarget> BodyTargets()
    {
        var (lon, lat, district) = SurveyKit.Places[Tenant];
        var heldSurvey = SurveyKit.Survey(Tenant, InReviewLandCode, SurveyKit.Square(lon, lat, 50, 900_000, 900_000));
        heldSurvey["parcel"]!["attributes"]![ReviewFixture.CandidateFlag[Tenant]] = true;
        var screening = new JsonObject
        {
            ["landUse"] = "industrial", ["district"] = district, ["surveyedOn"] = "2026-06-10", ["parcelAreaM2"] = 10000,
            ["attributes"] = new JsonObject { ["ownershipDisputed"] = false, [ReviewFixture.CandidateFlag[Tenant]] = true },
        };
        var contract = PaymentsKit.Contract("new-conditions-70", Today, newAmount: "1000000.00", plan: [("500000.00", Today), ("500000.00", Today.AddYears(1))]).WithTransfer();
        var receipt = new JsonObject { ["reference"] = "BANK-HOSTILE-1", ["amount"] = "100.00", ["receivedOn"] = Day(Today) };
        JsonObject Plan() => new() { ["submissionId"] = "plan-hostile-" + Guid.NewGuid().ToString("N")[..8], ["newLandUse"] = "industrial", ["summary"] = "原址改造" };
        var document = new JsonObject { ["kind"] = "soil-pollution-survey", ["approvedBy"] = new JsonArray("city-bureau"), ["failed"] = false };
        var t = TenantAuth;
        var a = AdminAuth;
        return
        [
            new("surveys (held parcel)", HttpMethod.Post, $"api/t/{Tenant}/surveys", heldSurvey, true, t, 4 * 1024 * 1024),
            new("screenings", HttpMethod.Post, $"api/t/{Tenant}/screenings", screening, false, t),
            new("service (in review)", HttpMethod.Post, CaseUrl(InReviewCase, "/service"), new JsonObject { ["servedOn"] = "2027-03-01", ["method"] = "直接送达" }, true, t),
            new("service (plan in review)", HttpMethod.Post, CaseUrl(PlanCase, "/service"), new JsonObject { ["servedOn"] = "2027-03-01" }, false, t),
            new("plan (in review)", HttpMethod.Post, CaseUrl(InReviewCase, "/plan"), Plan(), true, t),
            new("plan (plan in review)", HttpMethod.Post, CaseUrl(PlanCase, "/plan"), Plan(), false, t),
            new("plan/documents (in review)", HttpMethod.Post, CaseUrl(InReviewCase, "/plan/documents"), document, true, t),
            new("plan/documents (plan in review)", HttpMethod.Post, CaseUrl(PlanCase, "/plan/documents"), document.DeepClone().AsObject(), false, t),
            new("resubmission (in review)", HttpMethod.Post, CaseUrl(InReviewCase, "/resubmission"), new JsonObject { ["submissionId"] = "resub-hostile-1", ["comment"] = "已补充" }, true, t),
            new("contract (in review)", HttpMethod.Post, CaseUrl(InReviewCase, "/contract"), contract, true, t),
            new("contract (redevelopment)", HttpMethod.Post, CaseUrl(PayCase, "/contract"), contract.DeepClone().AsObject(), false, t),
            new("payments/receipts (no contract)", HttpMethod.Post, CaseUrl(InReviewCase, "/payments/receipts"), receipt, true, t),
            new("payments/receipts (scheduled)", HttpMethod.Post, CaseUrl(PayCase, "/payments/receipts"), receipt.DeepClone().AsObject(), false, t),
            new("evidence/complete", HttpMethod.Post, CaseUrl(AwaitingCase, "/evidence/site-photo.jpg/complete"), new JsonObject { ["uploadId"] = Guid.NewGuid().ToString("N") }, true, t),
            new("admin tenants", HttpMethod.Post, "api/admin/tenants",
                new JsonObject { ["id"] = "hostile-city", ["displayName"] = "敌意市", ["timeZone"] = "Asia/Shanghai", ["policy"] = TestPolicies.Minimal() }, false, a, 2 * 1024 * 1024),
            new("admin policy", HttpMethod.Put, $"api/admin/tenants/{Tenant}/policy", TestPolicies.Minimal(), false, a, 2 * 1024 * 1024),
            new("admin officer", HttpMethod.Put, $"api/admin/tenants/{Tenant}/officers/hostile-officer",
                new JsonObject { ["name"] = "敌意", ["email"] = "hostile@urumqi.example.org", ["roles"] = new JsonArray("city-bureau") }, false, a),
            new("admin keys", HttpMethod.Post, $"api/admin/tenants/{Tenant}/keys", new JsonObject { ["label"] = "hostile" }, false, a),
            new("admin signing-key rotation", HttpMethod.Post, $"api/admin/tenants/{Tenant}/signing-keys/rotations", new JsonObject { ["overlapHours"] = 24 }, false, a),
            new("admin calendar", HttpMethod.Put, $"api/admin/tenants/{Tenant}/calendars/2027",
                new JsonObject { ["holidays"] = new JsonArray("2027-01-01"), ["workingDays"] = new JsonArray(), ["source"] = "国办发明电" }, false, a),
            new("admin clock", HttpMethod.Post, "api/admin/clock", new JsonObject { ["advance"] = "P1D" }, false, a),
        ];
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, string>> LinksAsync(string caseId, string step)
    {
        var mail = await Review.MailAsync(caseId, "decision-request", step);
        return new[] { "approve", "return", "reject" }.ToDictionary(a => a, a => ReviewFixture.Link(mail, a));
    }

    private async Task<string> RevokedKeyAsync()
    {
        using var created = await Http.SendAsync(Review.Admin(HttpMethod.Post, $"api/admin/tenants/{Tenant}/keys"));
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        using var revoke = await Http.SendAsync(Review.Admin(HttpMethod.Delete, $"api/admin/tenants/{Tenant}/keys/{body.GetProperty("key").GetProperty("prefix").GetString()}"));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        return body.GetProperty("apiKey").GetString()!;
    }
}
