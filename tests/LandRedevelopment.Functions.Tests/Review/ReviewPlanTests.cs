using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;

namespace LandRedevelopment.Functions.Tests.Review;

/// <summary>After the determination: service, the plan deadline, the plan's review, and the reclamation track.</summary>
public sealed class ReviewPlanTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    internal static readonly string[] KaramayChain = ["district-investigation", "district-government-confirmation", "city-bureau-review", "district-determination"];

    internal static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task Six_months_without_a_plan_after_service_moves_allocated_land_to_reclamation_and_tells_the_officers()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync(flags: new Dictionary<string, bool> { ["allocatedLand"] = true });
        await town.DetermineAsync(caseId, KaramayChain);
        var served = await ServeAsync(town, caseId);

        // 克拉玛依 art. 8: six months from service (Civil Code: the day of service is not counted).
        var deadline = served.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "plan-submission");
        var servedOn = DateOnly.Parse(served.GetProperty("review").GetProperty("servedOn").GetString()!, CultureInfo.InvariantCulture);
        var lastDay = DateOnly.Parse(deadline.GetProperty("lastDay").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(lastDay >= servedOn.AddMonths(6) && lastDay <= servedOn.AddMonths(6).AddDays(7), $"{servedOn} → {lastDay}");
        Assert.Equal("pending", deadline.GetProperty("status").GetString());
        await fixture.MailAsync(caseId, "served");

        // The officers are to be reminded when 30 days remain (the service default: the policy sets no reminder).
        var reminder = served.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "plan-submission-reminder");
        var remindAt = new DateTimeOffset(lastDay.AddDays(-30).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddDays(1);
        Assert.Equal((remindAt, "pending"), (reminder.GetProperty("at").GetDateTimeOffset(), reminder.GetProperty("status").GetString()));

        // A day before the deadline nothing happens but the reminder, once: it names the last day.
        var at = deadline.GetProperty("at").GetDateTimeOffset();
        await fixture.AdvanceAsync(at - await fixture.NowAsync() - TimeSpan.FromDays(1));
        var reminded = await fixture.MailAsync(caseId, "plan-deadline-reminder");
        Assert.Contains(lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reminded.Subject, StringComparison.Ordinal);
        Assert.Contains("尚未收到再开发方案", reminded.Text, StringComparison.Ordinal);
        var beforeDeadline = await town.CaseAsync(caseId);
        Assert.Equal("DeterminationServed", beforeDeadline.GetProperty("state").GetString());
        Assert.Equal("sent", beforeDeadline.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "plan-submission-reminder").GetProperty("status").GetString());
        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PlanDeadlineReminderRaised");

        await fixture.AdvancePastAsync(at);
        var view = await town.WaitStateAsync(caseId, "Reclamation", TimeSpan.FromSeconds(10));
        Assert.Contains("art. 9(1)2(4)", view.GetProperty("review").GetProperty("reclamationReason").GetString());
        var mail = await fixture.MailAsync(caseId, "reclamation");
        Assert.Contains("收回", mail.Subject);
        var started = Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "ReclamationStarted");
        Assert.Equal("timer", started.GetProperty("actor").GetString());

        // Too late for a plan now.
        using var late = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", Plan(town.Tenant, "industrial"));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task Six_months_without_a_plan_on_granted_land_is_not_reclamation_the_officers_are_told_to_follow_up()
    {
        // 克拉玛依 art. 9(1)2(4) reclaims allocated (划拨) land only; the notice says reclamation follows only in the policy's cases.
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync(flags: new Dictionary<string, bool> { ["allocatedLand"] = false });
        await town.DetermineAsync(caseId, KaramayChain);
        using (var notice = await town.SendAsync(HttpMethod.Get, $"cases/{caseId}/determination-notice"))
        {
            Assert.Contains("规定的收回情形的，将依法纳入低效用地收回程序", await notice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var served = await ServeAsync(town, caseId);
        var at = served.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "plan-submission").GetProperty("at").GetDateTimeOffset();

        await fixture.AdvancePastAsync(at);
        var mail = await fixture.MailAsync(caseId, "plan-deadline-lapsed");

        Assert.Contains("不符合", mail.Subject);
        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PlanDeadlineLapsed");
        Assert.DoesNotContain(timeline, e => e.GetProperty("type").GetString() == "ReclamationStarted");
        Assert.Equal("DeterminationServed", (await town.CaseAsync(caseId)).GetProperty("state").GetString());
        using var late = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", Plan(town.Tenant, "industrial"));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task An_approved_plan_opens_the_redevelopment_track_with_the_transition_period()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        await town.DetermineAsync(caseId, KaramayChain);

        // Before service no plan is accepted.
        using (var early = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", Plan(town.Tenant, "industrial")))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        await ServeAsync(town, caseId);
        var plan = Plan(town.Tenant, "commercial-services", ("plan.pdf", "redevelopment-plan"));
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan))
        {
            var body = await SurveyKit.Json(submitted);
            Assert.True(submitted.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal("PlanInReview", body.GetProperty("state").GetString());
            Assert.Contains(body.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("name").GetString() == "plan.pdf" && e.GetProperty("status").GetString() == "Pending");
        }

        // The same plan again is a retry: no second plan event.
        using (var repeat = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        }

        Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PlanSubmitted");

        await town.DecideAsync(caseId, "district-plan-review#1", comment: "方案可行");
        var view = await town.WaitStateAsync(caseId, "Redevelopment");
        var transition = view.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "transition-period");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(await fixture.NowAsync(), Shanghai).DateTime);
        var endsOn = DateOnly.Parse(transition.GetProperty("lastDay").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(endsOn, today.AddYears(5), today.AddYears(5).AddDays(7));
        await fixture.MailAsync(caseId, "plan-approved");
    }

    [Fact]
    public async Task Zhongwei_soil_gate_holds_a_change_to_housing_until_both_bureaus_approved_a_passing_survey()
    {
        var (town, caseId) = await ZhongweiServedAsync();
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", Plan(town.Tenant, "residential", ("soil-survey.pdf", "soil-pollution-survey"))))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        await town.DecideAsync(caseId, "city-bureau-review#1");
        var last = await fixture.MailAsync(caseId, "decision-request", "city-government-approval#1");
        var approve = ReviewFixture.Link(last, "approve");

        // Not yet approved by either bureau; then by one; then both but failing: each time the approval is refused and changes nothing.
        await AssertGateHoldsAsync(approve, "city-ecology-environment-bureau");
        await RecordSoilSurveyAsync(town, caseId, ["city-ecology-environment-bureau"], failed: false);
        await AssertGateHoldsAsync(approve, "city-bureau");
        await RecordSoilSurveyAsync(town, caseId, ["city-bureau", "city-ecology-environment-bureau"], failed: true);
        await AssertGateHoldsAsync(approve, "failed");
        Assert.Equal("PlanInReview", (await town.CaseAsync(caseId)).GetProperty("state").GetString());

        await RecordSoilSurveyAsync(town, caseId, ["city-bureau", "city-ecology-environment-bureau"], failed: false);
        using (var approved = await fixture.PostLinkAsync(approve))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        await town.WaitStateAsync(caseId, "Redevelopment");
    }

    [Fact]
    public async Task Zhongwei_plan_by_another_than_the_original_land_user_waits_for_the_land_users_consent()
    {
        var (town, caseId) = await ZhongweiServedAsync();

        // 中卫 section 5(2): the plan must say who carries it out; a plan that does not is refused and changes nothing.
        var silent = Plan(town.Tenant, "industrial");
        silent.Remove("attributes");
        var before = await town.SnapshotAsync(caseId);
        using (var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", silent))
        {
            var problem = await SurveyKit.Json(refused);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e =>
                e.GetProperty("path").GetString() == "$.attributes.implementedByOriginalLandUser" && e.GetProperty("message").GetString()!.Contains("is required", StringComparison.Ordinal));
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));

        var byAnother = Plan(town.Tenant, "industrial");
        byAnother["attributes"]!["implementedByOriginalLandUser"] = false;
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", byAnother))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        await town.DecideAsync(caseId, "city-bureau-review#1");
        var last = await fixture.MailAsync(caseId, "decision-request", "city-government-approval#1");
        await ApprovedOnceFiledAsync(town, caseId, ReviewFixture.Link(last, "approve"), "original-land-user-consent", "中卫 section 5(2)");
    }

    [Fact]
    public async Task Zhongwei_scattered_plots_over_a_tenth_of_the_project_refuse_the_plan_by_name_and_record_nothing()
    {
        var (town, caseId) = await ZhongweiServedAsync();
        var before = await town.SnapshotAsync(caseId);

        // 中卫 section 4(5): 累计面积不超过改造开发项目总面积的10% — 2,500 m² of a 20,000 m² project is over it, a firm limit.
        var plan = Plan(town.Tenant, "industrial");
        plan["attributes"]!["scatteredPlotsAreaM2"] = 2500;
        plan["attributes"]!["largestScatteredPlotAreaM2"] = 1500;
        foreach (var attempt in new[] { "first", "again" })
        {
            using var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan);
            var problem = await ReviewFixture.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "$.attributes.scatteredPlotsAreaM2");
            Assert.EndsWith("/problems/plan-condition", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Equal("scattered-plots-share", problem.GetProperty("condition").GetString());
            Assert.StartsWith("中卫 section 4(5)", problem.GetProperty("article").GetString(), StringComparison.Ordinal);
            Assert.Equal(["$.attributes.scatteredPlotsAreaM2", "$.attributes.projectAreaM2"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
            Assert.Contains("scatteredPlotsAreaM2 2500 not ≤ 0.1 × projectAreaM2 20000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(before == await town.SnapshotAsync(caseId), $"the {attempt} refusal changed the case");
        }
    }

    [Fact]
    public async Task Zhongwei_a_scattered_plot_over_3_mu_is_taken_in_principle_shown_to_the_officers_and_waits_for_the_social_stability_assessment()
    {
        var (town, caseId) = await ZhongweiServedAsync();

        // 单宗零星用地面积原则上不超过3亩: a 2,500 m² plot, under a tenth of a 30,000 m² project, is taken, its departure recorded.
        var plan = Plan(town.Tenant, "industrial");
        plan["attributes"]!["projectAreaM2"] = 30000;
        plan["attributes"]!["scatteredPlotsAreaM2"] = 2500;
        plan["attributes"]!["largestScatteredPlotAreaM2"] = 2500;
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan))
        {
            var view = await SurveyKit.Json(submitted);
            Assert.True(submitted.StatusCode == HttpStatusCode.OK, view.ToString());
            var departure = Assert.Single(view.GetProperty("review").GetProperty("plan").GetProperty("departures").EnumerateArray());
            Assert.Equal("scattered-plot-size", departure.GetProperty("conditionId").GetString());
            Assert.StartsWith("中卫 section 4(5)", departure.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Equal("largestScatteredPlotAreaM2 2500 not ≤ 2000", departure.GetProperty("explanation").GetString());
        }

        var submittedEvent = Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PlanSubmitted");
        Assert.Equal("scattered-plot-size", submittedEvent.GetProperty("data").GetProperty("plan").GetProperty("departures")[0].GetProperty("conditionId").GetString());

        // The city bureau's decision request names the departure and its article.
        var request = await fixture.MailAsync(caseId, "decision-request", "city-bureau-review#1");
        Assert.Contains("方案偏离原则性规定", request.Text, StringComparison.Ordinal);
        Assert.Contains("（scattered-plot-size）", request.Text, StringComparison.Ordinal);
        Assert.Contains("依据：中卫 section 4(5)", request.Text, StringComparison.Ordinal);
        Assert.Contains("largestScatteredPlotAreaM2 2500 not ≤ 2000", request.Text, StringComparison.Ordinal);
        using (var page = await fixture.GetLinkAsync(ReviewFixture.Link(request, "approve")))
        {
            Assert.Contains("scattered-plot-size", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // 土地再开发利用时，应委托社会评估机构进行社会稳定性评估 (4(5)): nothing is expropriated, yet approval waits for it.
        await town.DecideAsync(caseId, "city-bureau-review#1");
        var last = await fixture.MailAsync(caseId, "decision-request", "city-government-approval#1");
        Assert.Contains("scattered-plot-size", last.Text, StringComparison.Ordinal);
        await ApprovedOnceFiledAsync(town, caseId, ReviewFixture.Link(last, "approve"), "social-stability-assessment", "4(5)");
    }

    [Fact]
    public async Task A_city_that_asks_no_plan_facts_refuses_them_by_name()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();
        await town.DetermineAsync(caseId, "district-investigation", "district-government-confirmation", "city-bureau-review", "district-determination");
        await ServeAsync(town, caseId);
        var plan = Plan(town.Tenant, "industrial");
        plan["attributes"] = new JsonObject { ["implementedByOriginalLandUser"] = true };

        using var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan);
        var problem = await SurveyKit.Json(refused);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("$.attributes.implementedByOriginalLandUser", error.GetProperty("path").GetString());
        Assert.Contains("asks for none", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("DeterminationServed", (await town.CaseAsync(caseId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Two_files_of_one_kind_put_that_kind_on_file_once()
    {
        var (town, caseId) = await JiamusiServedAsync();

        // A consent in two parts is one document of its kind: it takes one of the kinds a plan keeps, not two.
        using var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan",
            Plan(town.Tenant, "industrial", ("同意书-1.pdf", "original-land-user-consent"), ("同意书-2.pdf", "original-land-user-consent"), ("测绘.pdf", "survey-map")));
        var view = await SurveyKit.Json(submitted);
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, view.ToString());
        var kinds = view.GetProperty("review").GetProperty("plan").GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["original-land-user-consent", "survey-map"], kinds);
    }

    [Fact]
    public async Task A_plan_that_keeps_its_land_use_needs_no_soil_survey()
    {
        var (town, caseId) = await ZhongweiServedAsync();
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", Plan(town.Tenant, "industrial")))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        await town.DecideAsync(caseId, "city-bureau-review#1");
        await town.DecideAsync(caseId, "city-government-approval#1");
        await town.WaitStateAsync(caseId, "Redevelopment");
    }

    [Fact]
    public async Task A_jiamusi_plan_through_the_green_channel_is_reviewed_by_the_city_bureau_alone()
    {
        var (town, caseId) = await JiamusiServedAsync();
        var plan = Plan(town.Tenant, "commercial-services");
        plan["greenChannel"] = true;
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", plan))
        {
            var body = await SurveyKit.Json(submitted);
            Assert.True(submitted.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal("green-channel", body.GetProperty("review").GetProperty("chainId").GetString());
        }

        // 佳木斯 item 19: one step, then the redevelopment track.
        await town.DecideAsync(caseId, "city-bureau-green-channel#1");
        await town.WaitStateAsync(caseId, "Redevelopment");
    }

    [Fact]
    public async Task A_plan_returned_for_rework_comes_back_with_revised_facts_and_its_gates_follow_them()
    {
        var (town, caseId) = await ZhongweiServedAsync();
        var byAnother = Plan(town.Tenant, "industrial");
        byAnother["attributes"]!["implementedByOriginalLandUser"] = false;
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", byAnother))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        await town.DecideAsync(caseId, "city-bureau-review#1");
        await town.ReturnAsync(caseId, "city-government-approval#1", "实施主体应为原土地使用权人");

        // A revision restates the plan's facts as a plan does: one that leaves a fact out is refused by name, and nothing changes.
        var before = await town.SnapshotAsync(caseId);
        var partial = SurveyKit.PlanAttributes(town.Tenant)!;
        partial.Remove("involvesExpropriationOrReclamation");
        var incomplete = Resubmission(new JsonObject { ["newLandUse"] = "industrial", ["attributes"] = partial });
        using (var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", incomplete))
        {
            var problem = await SurveyKit.Json(refused);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
            Assert.Equal("$.plan.attributes.involvesExpropriationOrReclamation", error.GetProperty("path").GetString());
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));

        // The revised facts are held to the plan conditions as a plan's are: scattered plots over a tenth of the project (中卫 section 4(5)).
        var scattered = SurveyKit.PlanAttributes(town.Tenant)!;
        scattered["scatteredPlotsAreaM2"] = 2500;
        using (var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", Resubmission(new JsonObject { ["newLandUse"] = "industrial", ["attributes"] = scattered })))
        {
            var problem = await ReviewFixture.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "$.plan.attributes.scatteredPlotsAreaM2");
            Assert.Equal("scattered-plots-share", problem.GetProperty("condition").GetString());
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));

        // Carried out by the original land user now: the consent gate no longer applies (中卫 section 5(2)).
        var revision = Resubmission(new JsonObject { ["newLandUse"] = "industrial", ["attributes"] = SurveyKit.PlanAttributes(town.Tenant) });
        using (var resubmitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", revision))
        {
            var view = await SurveyKit.Json(resubmitted);
            Assert.True(resubmitted.StatusCode == HttpStatusCode.OK, view.ToString());
            Assert.Equal("PlanInReview", view.GetProperty("state").GetString());
            var plan = view.GetProperty("review").GetProperty("plan");
            Assert.True(plan.GetProperty("attributes").GetProperty("implementedByOriginalLandUser").GetBoolean());
        }

        var timeline = await town.TimelineAsync(caseId);
        var revised = Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PlanRevised");
        Assert.Equal(1, revised.GetProperty("data").GetProperty("stepIndex").GetInt32());
        await town.DecideAsync(caseId, "city-government-approval#2");
        await town.WaitStateAsync(caseId, "Redevelopment");
    }

    [Fact]
    public async Task A_revised_plan_waiting_for_new_evidence_takes_the_chain_its_facts_choose_once_the_files_are_in()
    {
        var (town, caseId) = await JiamusiServedAsync();
        using (var submitted = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan", Plan(town.Tenant, "commercial-services")))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        await town.ReturnAsync(caseId, "city-bureau-review#1", "符合绿色通道条件，请补充说明");

        // 佳木斯 item 19: revised onto the green channel, with a new file declared; the review waits for the file.
        var note = SurveyKit.Pdf(3000, seed: 77);
        var revision = Resubmission(new JsonObject { ["newLandUse"] = "commercial-services", ["greenChannel"] = true }, SurveyKit.Declare("绿色通道说明.pdf", note, "application/pdf"));
        using (var pending = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", revision))
        {
            var view = await SurveyKit.Json(pending);
            Assert.True(pending.StatusCode == HttpStatusCode.OK, view.ToString());
            Assert.Equal("ReturnedForRework", view.GetProperty("state").GetString());
            Assert.True(view.GetProperty("review").GetProperty("resubmissionPending").GetBoolean());
            Assert.Equal("green-channel", view.GetProperty("review").GetProperty("chainId").GetString());
        }

        using (var upload = await town.PutEvidenceAsync(caseId, "绿色通道说明.pdf", note, "application/pdf"))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        await town.DecideAsync(caseId, "city-bureau-green-channel#1");
        await town.WaitStateAsync(caseId, "Redevelopment");
    }

    [Fact]
    public async Task Only_a_plan_is_revised_a_case_returned_at_its_determination_refuses_a_revision_and_changes_nothing()
    {
        var town = fixture.City("jiamusi");
        var caseId = await town.StartCaseAsync();
        await town.ReturnAsync(caseId, "district-investigation#1");
        var before = await town.SnapshotAsync(caseId);

        using (var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/resubmission", Resubmission(new JsonObject { ["newLandUse"] = "industrial" })))
        {
            var problem = await SurveyKit.Json(refused);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
            Assert.Equal("$.plan", error.GetProperty("path").GetString());
            Assert.Contains("Only a plan returned for rework", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));
    }

    private static JsonObject Resubmission(JsonObject plan, params JsonObject[] evidence) => new()
    {
        ["submissionId"] = "resub-" + Guid.NewGuid().ToString("N"),
        ["comment"] = "已修改方案",
        ["evidence"] = new JsonArray(evidence.Select(e => (JsonNode)e).ToArray()),
        ["plan"] = plan,
    };

    private Task AssertGateHoldsAsync(string approveLink, string expected) => AssertGateHoldsAsync(approveLink, "soil-pollution-survey", "中卫 section 3", expected);

    private async Task AssertGateHoldsAsync(string approveLink, string gate, string article, string expected)
    {
        using var refused = await fixture.PostLinkAsync(approveLink);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(gate, page);
        Assert.Contains(expected, page);
        Assert.Contains(article, page);
    }

    /// <summary>A 中卫 case determined on the standard chain and served: ready for a plan.</summary>
    private async Task<(ReviewCity Town, string CaseId)> ZhongweiServedAsync()
    {
        var town = fixture.City("zhongwei");
        var caseId = await town.StartCaseAsync();
        await town.DetermineAsync(caseId, "district-survey", "city-bureau-determination");
        await ServeAsync(town, caseId);
        return (town, caseId);
    }

    /// <summary>The plan's approval through <paramref name="approveLink"/> waits for <paramref name="gate"/>'s document, then goes through once it is on file.</summary>
    private async Task ApprovedOnceFiledAsync(ReviewCity town, string caseId, string approveLink, string gate, string article)
    {
        await AssertGateHoldsAsync(approveLink, gate, article, "not on file");
        Assert.Equal("PlanInReview", (await town.CaseAsync(caseId)).GetProperty("state").GetString());

        await RecordDocumentAsync(town, caseId, gate, [], failed: false);
        using (var approved = await fixture.PostLinkAsync(approveLink))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        await town.WaitStateAsync(caseId, "Redevelopment");
    }

    private static Task RecordSoilSurveyAsync(ReviewCity town, string caseId, string[] approvedBy, bool failed) =>
        RecordDocumentAsync(town, caseId, "soil-pollution-survey", approvedBy, failed);

    private static async Task RecordDocumentAsync(ReviewCity town, string caseId, string kind, string[] approvedBy, bool failed)
    {
        using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/plan/documents", new { kind, approvedBy, failed });
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
    }

    /// <summary>A 佳木斯 case whose determination was served: it takes plans (佳木斯 sets no plan deadline).</summary>
    private async Task<(ReviewCity Town, string CaseId)> JiamusiServedAsync()
    {
        var town = fixture.City("jiamusi");
        var caseId = await town.StartCaseAsync();
        await town.DetermineAsync(caseId, "district-investigation", "city-bureau-determination");
        await ServeAsync(town, caseId);
        return (town, caseId);
    }

    private async Task<JsonElement> ServeAsync(ReviewCity town, string caseId)
    {
        var today = TimeZoneInfo.ConvertTime(await fixture.NowAsync(), Shanghai).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/service", new { servedOn = today, method = "直接送达", recipient = "土地使用权人" });
        var body = await SurveyKit.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("DeterminationServed", body.GetProperty("state").GetString());
        return body;
    }

    private static JsonObject Plan(string tenant, string newLandUse, params (string Name, string Kind)[] documents)
    {
        var files = new JsonArray();
        var seed = 10;
        foreach (var (name, kind) in documents)
        {
            var declared = SurveyKit.Declare(name, SurveyKit.Pdf(2048, seed++), "application/pdf");
            declared["kind"] = kind;
            files.Add(declared);
        }

        return new JsonObject
        {
            ["submissionId"] = "plan-" + Guid.NewGuid().ToString("N"),
            ["newLandUse"] = newLandUse,
            ["summary"] = "拆除旧厂房，建设新业态",
            ["documents"] = files,
            ["attributes"] = SurveyKit.PlanAttributes(tenant),
        };
    }
}
