using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>
/// The real app with the four built-in cities and their sample officers, on an Azurite of its own (the adjustable
/// clock is shared through storage, so a class that moves it must not share storage with others), mailing to MailDev.
/// </summary>
public class ReviewFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> CandidateFlag = new Dictionary<string, string>
    {
        ["karamay"] = "inRenewalArea",
        ["urumqi"] = "plannedForRenewal",
        ["zhongwei"] = "plannedForRenewal",
        ["jiamusi"] = "meetsCityLowEfficiencyStandard",
    };

    private readonly string _keysFile = Path.Combine(Path.GetTempPath(), "review-keys-" + Guid.NewGuid().ToString("N") + ".json");

    public AzuriteServer Azurite { get; private set; } = null!;

    public MailDevServer MailDev { get; } = new MailDevFixture().Server;

    public AppProcess App { get; private set; } = null!;

    public string AdminKey { get; } = "review-admin-" + Guid.NewGuid().ToString("N");

    public IReadOnlyDictionary<string, string> Keys { get; private set; } = new Dictionary<string, string>();

    /// <summary>The app's settings; <paramref name="extra"/> adds or overrides.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["LocalTriggers__HostId"] = "review-" + Guid.NewGuid().ToString("N")[..8],
            ["Admin__Key"] = AdminKey,
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = MailDev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp__EnableStartTls"] = "false",
            ["Clock__Adjustable"] = "true",
            ["Seed__BuiltInTenants"] = "true",
            ["Seed__KeysFile"] = _keysFile,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return settings;
    }

    /// <summary>Starts another instance of the app on the same storage (e.g. after one was killed).</summary>
    public async Task<AppProcess> StartAppAsync(IReadOnlyDictionary<string, string?>? extra = null, int? port = null)
    {
        var app = await AppProcess.StartAsync(Settings(extra), port);
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return app;
    }

    /// <summary>Settings of the fixture's own app beyond <see cref="Settings"/>: a fixture that runs the app otherwise overrides this.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? AppSettings => null;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await StartAppAsync(AppSettings);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (File.Exists(_keysFile))
            {
                var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(_keysFile));
                if (keys is { Count: 4 })
                {
                    Keys = keys;
                    break;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The built-in tenants were not seeded within 60 s.");
            }

            await Task.Delay(100);
        }

        // The start-up sweep runs a moment after storage is ready and fires whatever is due; tests that move the clock
        // past a timer and then drive its firing themselves must not race it.
        while (!App.Process.Output.Contains("Start-up sweep", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The app's start-up sweep did not run within 60 s.");
            }

            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        Azurite.Dispose();
        File.Delete(_keysFile);
        return Task.CompletedTask;
    }

    public ReviewCity City(string tenant) => new(this, tenant, Keys[tenant]);

    public HttpRequestMessage Admin(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    /// <summary>The service's clock now.</summary>
    public async Task<DateTimeOffset> NowAsync()
    {
        using var response = await App.Http.SendAsync(Admin(HttpMethod.Get, "api/admin/clock"));
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("now").GetDateTimeOffset();
    }

    /// <summary>Moves the service's clock forward by <paramref name="by"/> (whole seconds); timers then due fire before this returns.</summary>
    public async Task<JsonElement> AdvanceAsync(TimeSpan by)
    {
        var seconds = (long)Math.Ceiling(by.TotalSeconds);
        using var response = await App.Http.SendAsync(Admin(HttpMethod.Post, "api/admin/clock", new { advance = $"PT{seconds}S" }));
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>Moves the clock to just after <paramref name="instant"/>.</summary>
    public async Task AdvancePastAsync(DateTimeOffset instant)
    {
        var now = await NowAsync();
        if (instant >= now)
        {
            await AdvanceAsync(instant - now + TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>Every mail MailDev holds for the case, optionally of one kind.</summary>
    public async Task<IReadOnlyList<CapturedMail>> MailsAsync(string caseId, string? kind = null) =>
        (await MailDev.MessagesAsync()).Where(m => m.Header("x-case-id") == caseId && (kind is null || m.Header("x-review-kind") == kind)).ToList();

    /// <summary>Waits for a review mail of the case.</summary>
    public Task<CapturedMail> MailAsync(string caseId, string kind, string? step = null, string? officer = null, TimeSpan? timeout = null) =>
        MailDev.WaitForAsync(m =>
            m.Header("x-case-id") == caseId && m.Header("x-review-kind") == kind &&
            (step is null || m.Header("x-review-step") == step) && (officer is null || m.Header("x-officer-id") == officer),
            timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>The link for <paramref name="action"/> in a decision mail (the text body has one line per action).</summary>
    public static string Link(CapturedMail mail, string action)
    {
        var match = Regex.Match(mail.Text ?? "", "^" + action + @" [^:\r\n]+: (\S+)\r?$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no {action} link in: {mail.Text}");
        return match.Groups[1].Value;
    }

    /// <summary>The token of a link.</summary>
    public static string Token(string link) => link[(link.LastIndexOf('/') + 1)..];

    /// <summary>Presses the confirmation page's button: POST the form to the link on <paramref name="app"/> (default: the fixture's app).</summary>
    public async Task<HttpResponseMessage> PostLinkAsync(string link, string? comment = null, AppProcess? app = null)
    {
        var form = new FormUrlEncodedContent(comment is null ? [] : [KeyValuePair.Create("comment", comment)]);
        return await (app ?? App).Http.PostAsync("api/review/" + Token(link), form);
    }

    public Task<HttpResponseMessage> GetLinkAsync(string link, AppProcess? app = null) => (app ?? App).Http.GetAsync("api/review/" + Token(link));

    /// <summary>GET or POST (a form with <paramref name="comment"/>, if any) of a link as a JSON client (Accept: application/json).</summary>
    public Task<HttpResponseMessage> SendLinkAsJsonAsync(HttpMethod method, string link, string? comment = null)
    {
        var request = new HttpRequestMessage(method, "api/review/" + Token(link))
        {
            Content = method == HttpMethod.Post ? new FormUrlEncodedContent(comment is null ? [] : [KeyValuePair.Create("comment", comment)]) : null,
        };
        request.Headers.Accept.ParseAdd("application/json");
        return App.Http.SendAsync(request);
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> whose <c>errors</c> name <paramref name="path"/>; returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? path = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        if (path is not null)
        {
            Assert.True(body.TryGetProperty("errors", out var errors), $"no errors: {text}");
            Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("path").GetString() == path);
        }

        return body;
    }

    /// <summary>Asserts the 409 of a case limit (<c>CaseLimits</c>): a problem whose type names <paramref name="rule"/> and whose <c>errors</c> name <paramref name="path"/>.</summary>
    public static async Task<JsonElement> AssertLimitAsync(HttpResponseMessage response, string rule, string path)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict, path);
        Assert.Equal("https://land-redevelopment.example/problems/" + rule, problem.GetProperty("type").GetString());
        return problem;
    }
}

/// <summary>One built-in city's field API and its review, through the real app.</summary>
public sealed class ReviewCity(ReviewFixture fixture, string tenant, string key)
{
    public string Tenant { get; } = tenant;

    public ReviewFixture Fixture { get; } = fixture;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, object? json = null, AppProcess? app = null)
    {
        var request = new HttpRequestMessage(method, $"api/t/{Tenant}/{relative}") { Content = json is null ? null : JsonContent.Create(json) };
        request.Headers.Add("X-Api-Key", key);
        return (app ?? Fixture.App).Http.SendAsync(request);
    }

    /// <summary>Submits a candidate survey (the city's criterion flag set) with the files declared, and returns the case id.</summary>
    public async Task<string> SubmitAsync(string? zone = null, params JsonObject[] evidence) => await SubmitParcelAsync(SurveyKit.LandCode(), zone, evidence);

    /// <summary>Submits a candidate survey of the parcel <paramref name="landCode"/>.</summary>
    public Task<string> SubmitParcelAsync(string landCode, string? zone, params JsonObject[] evidence) => SubmitParcelAsync(landCode, zone, new Dictionary<string, bool>(), evidence);

    /// <summary>Submits a candidate survey of the parcel <paramref name="landCode"/> with further boolean attributes set.</summary>
    public async Task<string> SubmitParcelAsync(string landCode, string? zone, IReadOnlyDictionary<string, bool> flags, params JsonObject[] evidence)
    {
        var (lon, lat, _) = SurveyKit.Places[Tenant];
        var survey = SurveyKit.Survey(Tenant, landCode, SurveyKit.Square(lon, lat, 100, Random.Shared.Next(0, 200_000), Random.Shared.Next(0, 200_000)), evidence);
        var parcel = survey["parcel"]!.AsObject();
        parcel["attributes"]![ReviewFixture.CandidateFlag[Tenant]] = true;
        foreach (var (name, value) in flags)
        {
            parcel["attributes"]![name] = value;
        }

        if (zone is not null)
        {
            parcel["zone"] = zone;
        }

        using var response = await SendAsync(HttpMethod.Post, "surveys", survey);
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, body.ToString());
        Assert.Equal("candidate", body.GetProperty("screening").GetProperty("result").GetProperty("outcome").GetString());
        return body.GetProperty("caseId").GetString()!;
    }

    /// <summary>Submits a candidate survey without evidence and waits until its review has entered the first step.</summary>
    public async Task<string> StartCaseAsync(string? zone = null, IReadOnlyDictionary<string, bool>? flags = null)
    {
        var caseId = await SubmitParcelAsync(SurveyKit.LandCode(), zone, flags ?? new Dictionary<string, bool>());
        await WaitStateAsync(caseId, "InReview");
        return caseId;
    }

    public async Task<JsonElement> CaseAsync(string caseId, AppProcess? app = null)
    {
        using var response = await SendAsync(HttpMethod.Get, $"cases/{caseId}", app: app);
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public Task<JsonElement> WaitStateAsync(string caseId, string state, TimeSpan? timeout = null) =>
        WaitViewAsync(caseId, view => view.GetProperty("state").GetString() == state, state, timeout);

    /// <summary>Waits until the case is in review at <paramref name="stepId"/>, visit <paramref name="attempt"/>.</summary>
    public Task<JsonElement> WaitStepAsync(string caseId, string stepId, int attempt, TimeSpan? timeout = null) =>
        WaitViewAsync(caseId, view =>
            view.GetProperty("review").TryGetProperty("currentStep", out var step) && step.ValueKind == JsonValueKind.Object &&
            step.GetProperty("id").GetString() == stepId && step.GetProperty("attempt").GetInt32() == attempt,
            $"{stepId}#{attempt}", timeout);

    /// <summary>Polls the case view until <paramref name="done"/> holds.</summary>
    public async Task<JsonElement> WaitViewAsync(string caseId, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var view = await CaseAsync(caseId);
            if (done(view))
            {
                return view;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Case {caseId} did not reach {what}: {view.GetProperty("state")} {view.GetProperty("review")}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the case's timeline holds <paramref name="count"/> events of <paramref name="type"/> (timers fire a moment after the clock moves).</summary>
    public async Task WaitEventsAsync(string caseId, string type, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await TimelineAsync(caseId)).Count(e => e.GetProperty("type").GetString() == type) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"case {caseId} did not get {count} {type} events");
            await Task.Delay(200);
        }
    }

    public async Task<IReadOnlyList<JsonElement>> TimelineAsync(string caseId, AppProcess? app = null)
    {
        using var response = await SendAsync(HttpMethod.Get, $"cases/{caseId}/timeline", app: app);
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("events").EnumerateArray().ToList();
    }

    /// <summary>Waits for the decision mail of <paramref name="step"/> (id#attempt), opens its link, presses approve; returns the link used.</summary>
    public async Task<string> DecideAsync(string caseId, string step, string action = "approve", string? comment = null)
    {
        var mail = await Fixture.MailAsync(caseId, "decision-request", step);
        var link = ReviewFixture.Link(mail, action);
        using var response = await Fixture.PostLinkAsync(link, comment);
        var page = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{step} {action}: {(int)response.StatusCode} {page}");
        return link;
    }

    /// <summary>Uploads a declared evidence file through the app.</summary>
    public Task<HttpResponseMessage> PutEvidenceAsync(string caseId, string name, byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/t/{Tenant}/cases/{caseId}/evidence/{Uri.EscapeDataString(name)}") { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return Fixture.App.Http.SendAsync(request);
    }

    /// <summary>What must not move when a request is refused: the state, the review block and the whole timeline.</summary>
    public async Task<string> SnapshotAsync(string caseId)
    {
        var view = await CaseAsync(caseId);
        var timeline = await TimelineAsync(caseId);
        return $"{view.GetProperty("state")}\n{view.GetProperty("review").GetRawText()}\n{string.Join("\n", timeline.Select(e => e.GetRawText()))}";
    }

    /// <summary>Returns <paramref name="step"/> (id#attempt) for rework through its mailed link and waits for the case to show it.</summary>
    public async Task<JsonElement> ReturnAsync(string caseId, string step, string comment = "请补充现场照片")
    {
        await DecideAsync(caseId, step, "return", comment);
        return await WaitStateAsync(caseId, "ReturnedForRework");
    }

    /// <summary>Starts a karamay-style case and approves its first step, returning the case id.</summary>
    public async Task<string> StartPastFirstStepAsync(string firstStep)
    {
        var caseId = await StartCaseAsync();
        await DecideAsync(caseId, firstStep + "#1");
        return caseId;
    }

    /// <summary>
    /// Takes a case in review to the redevelopment track: every determination step approved, the determination served
    /// today, a plan keeping the land use submitted and every plan step approved.
    /// </summary>
    public async Task ToRedevelopmentAsync(string caseId, string[] determination, string[] plan)
    {
        await DetermineAsync(caseId, determination);
        var now = await Fixture.NowAsync();
        var today = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var served = await SendAsync(HttpMethod.Post, $"cases/{caseId}/service", new { servedOn = today }))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var submitted = await SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", new { submissionId = "plan-" + Guid.NewGuid().ToString("N"), newLandUse = "industrial", attributes = SurveyKit.PlanAttributes(Tenant) }))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        foreach (var step in plan)
        {
            // A step id the determination chain also used is on its second visit.
            await DecideAsync(caseId, $"{step}#{1 + determination.Count(s => s == step)}");
        }

        await WaitStateAsync(caseId, "Redevelopment");
    }

    /// <summary>Approves every step of the determination chain in order, then waits for the determination to be issued.</summary>
    public async Task<JsonElement> DetermineAsync(string caseId, params string[] steps)
    {
        foreach (var step in steps)
        {
            await DecideAsync(caseId, step + "#1");
        }

        return await WaitStateAsync(caseId, "DeterminationIssued");
    }
}
