using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Payments;
using LandRedevelopment.Payments.Durable;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

using static LandRedevelopment.Functions.Tests.Payments.PaymentsKit;

namespace LandRedevelopment.Functions.Tests.Payments;

/// <summary>
/// Staged land-price payments end to end: the contract through the API, the schedule computed by the queue-triggered
/// ComputePayments function under the local trigger runner on Azurite, receipts, and instalment timers under the clock.
/// </summary>
public sealed class PaymentsTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private Task<(ReviewCity Town, string CaseId, DateOnly Today)> RedevelopmentAsync(string city) => PaymentsKit.RedevelopmentAsync(fixture, city);

    [Fact]
    public async Task Karamay_a_requested_plan_of_half_now_and_half_within_two_years_is_scheduled_from_the_effective_date()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var contract = Contract("appraisal-difference", today, effective: today.AddDays(3), newAmount: "12000000.00", originalAmount: "4000000.01",
            plan: [("4000000.00", today.AddDays(10)), ("3999999.99", today.AddYears(2))]).WithConsent().WithTransfer();
        var payments = await RecordAndWaitAsync(town, caseId, contract, "scheduled");

        Assert.Equal("7999999.99", payments.GetProperty("amountDue").GetString());
        Assert.Equal("requested", payments.GetProperty("plan").GetString());
        Assert.Equal(Day(today.AddDays(3)), payments.GetProperty("countedFrom").GetString());
        Assert.Contains("克拉玛依 art. 8(7)", payments.GetProperty("source").GetString());
        Assert.Contains("克拉玛依 art. 8(1)", payments.GetProperty("scheduleSource").GetString());
        AssertSumsTo(payments, "7999999.99");

        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ContractRecorded");
        var computed = Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentScheduleComputed");

        // The city government's consent (克拉玛依 art. 8(1) 报市人民政府同意后) is kept with the schedule.
        foreach (var consent in new[] { payments.GetProperty("instalmentConsent"), computed.GetProperty("data").GetProperty("instalmentConsent") })
        {
            Assert.Equal("city-government", consent.GetProperty("by").GetString());
            Assert.Equal("克政函〔2026〕12号", consent.GetProperty("reference").GetString());
            Assert.Equal(Day(today), consent.GetProperty("givenOn").GetString());
        }
    }

    [Fact]
    public async Task Karamay_a_plan_of_the_most_instalments_a_contract_may_request_is_scheduled_and_its_instalments_come_due_in_turn()
    {
        // Half within ten days, the rest in 59 instalments about every twelve days within the two years (克拉玛依 art. 8(1)):
        // every instalment has a reminder and a due timer, far more than one transaction of the case could write at once.
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var rest = Enumerable.Range(1, 59).Select(i => ("67796.61", today.AddDays(10 + 12 * i))).ToArray();
        var contract = Contract("appraisal-difference", today, newAmount: "12000000.00", originalAmount: "4000000.01",
            plan: [("4000000.00", today.AddDays(10)), .. rest]).WithConsent().WithTransfer();
        var payments = await RecordAndWaitAsync(town, caseId, contract, "scheduled");

        Assert.Equal(60, payments.GetProperty("instalments").GetArrayLength());
        AssertSumsTo(payments, "7999999.99");

        // Timers are set for the next few instalments only, and each instalment falling due sets the next one's: past the
        // twelfth's due date (day 142), the twelfth is reminded and overdue like the first.
        await fixture.AdvanceAsync(TimeSpan.FromDays(145));
        await WaitPaymentMailAsync(caseId, "payment-reminder", 12);
        await WaitPaymentMailAsync(caseId, "payment-overdue", 12);
        var now = await WaitPaymentsAsync(town, caseId, "scheduled");
        Assert.All(Enumerable.Range(0, 12), i => Assert.Equal("overdue", now.GetProperty("instalments")[i].GetProperty("status").GetString()));
        Assert.NotEqual("overdue", now.GetProperty("instalments")[12].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Karamay_instalments_without_the_city_governments_consent_are_refused_and_nothing_is_recorded()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var contract = Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00",
            plan: [("1000000.00", today.AddDays(30)), ("1000000.00", today.AddYears(1))]).WithTransfer();
        var before = await town.SnapshotAsync(caseId);

        // No consent, a consent by someone else, a consent given after signing (克拉玛依 art. 8(1): 报市人民政府同意后).
        var refusals = new (string Path, string Rule, JsonObject Contract)[]
        {
            ("$.instalmentConsent", "instalment-consent-required", contract),
            ("$.instalmentConsent.by", "instalment-consent-by", contract.DeepClone().AsObject().WithConsent(by: "district-government")),
            ("$.instalmentConsent.givenOn", "instalment-consent-before-contract", contract.DeepClone().AsObject().WithConsent(givenOn: today.AddDays(1))),
        };
        foreach (var (path, rule, refused) in refusals)
        {
            using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", refused);
            var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, path);
            var violation = Assert.Single(problem.GetProperty("violations").EnumerateArray());
            Assert.Equal((rule, path), (violation.GetProperty("rule").GetString(), violation.GetProperty("path").GetString()));
            Assert.StartsWith("克拉玛依 art. 8(1)", violation.GetProperty("source").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));
        using (var none = await town.SendAsync(HttpMethod.Get, $"cases/{caseId}/payments"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        // With a consent given before signing the plan is scheduled, and the consent is kept with it.
        var payments = await RecordAndWaitAsync(town, caseId, contract.WithConsent(givenOn: today.AddDays(-3)), "scheduled");
        Assert.Equal("requested", payments.GetProperty("plan").GetString());
        Assert.Equal(Day(today.AddDays(-3)), payments.GetProperty("instalmentConsent").GetProperty("givenOn").GetString());
    }

    [Fact]
    public async Task Urumqi_asks_no_consent_for_instalments_and_refuses_one_it_cannot_check()
    {
        var (town, caseId, today) = await RedevelopmentAsync("urumqi");
        var contract = Contract("new-conditions-70", today, newAmount: "2000000.00", plan: [("700000.00", today), ("700000.00", today.AddYears(1))]).WithTransfer();
        var before = await town.SnapshotAsync(caseId);

        using (var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract.DeepClone().AsObject().WithConsent()))
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "$.instalmentConsent");
            Assert.Equal("instalment-consent-not-asked", Assert.Single(problem.GetProperty("violations").EnumerateArray()).GetProperty("rule").GetString());
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));
        var payments = await RecordAndWaitAsync(town, caseId, contract, "scheduled");
        Assert.Equal(2, payments.GetProperty("instalments").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, payments.GetProperty("instalmentConsent").ValueKind);
    }

    [Fact]
    public async Task Karamay_instalments_are_refused_to_a_contract_that_is_not_the_agreement_transfer_at_the_end_of_the_transition_period()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var contract = Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00",
            plan: [("1000000.00", today.AddDays(30)), ("1000000.00", today.AddYears(1))]).WithConsent();
        var before = await town.SnapshotAsync(caseId);

        // No kind (as a change of use's supplementary price would post), and a kind the policy does not name
        // (克拉玛依 art. 8(1): 过渡期满办理土地使用权协议出让时 … 无法一次性补缴的).
        var refusals = new (string Rule, JsonObject Contract)[]
        {
            ("instalments-only-for", contract),
            ("transfer-unknown", contract.DeepClone().AsObject().WithTransfer("change-of-use")),
        };
        foreach (var (rule, refused) in refusals)
        {
            using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", refused);
            var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "$.transfer");
            var violation = Assert.Single(problem.GetProperty("violations").EnumerateArray());
            Assert.Equal((rule, "$.transfer"), (violation.GetProperty("rule").GetString(), violation.GetProperty("path").GetString()));
            Assert.StartsWith("克拉玛依 art. 8(1)", violation.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Contains("agreement-transfer-after-transition", violation.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await town.SnapshotAsync(caseId));

        // Stating the transfer the article names, the plan is scheduled, and the kind is kept with the contract and its events.
        var payments = await RecordAndWaitAsync(town, caseId, contract.WithTransfer(), "scheduled");
        Assert.Equal("agreement-transfer-after-transition", payments.GetProperty("transfer").GetString());
        Assert.Empty(payments.GetProperty("recordedBeforeRules").EnumerateArray());
        var timeline = await town.TimelineAsync(caseId);
        foreach (var type in new[] { "ContractRecorded", "PaymentScheduleComputed" })
        {
            var recorded = Assert.Single(timeline, e => e.GetProperty("type").GetString() == type);
            Assert.Equal("agreement-transfer-after-transition", recorded.GetProperty("data").GetProperty("transfer").GetString());
        }
    }

    [Fact]
    public async Task A_Karamay_instalment_contract_queued_before_the_consent_and_transfer_rules_is_computed_as_it_was_and_says_so()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var terms = new ContractTerms
        {
            ContractId = "HT-" + Guid.NewGuid().ToString("N")[..12],
            Version = 1,
            SignedOn = today,
            PriceBasis = "appraisal-difference",
            NewConditions = new Appraisal(Money.Parse("2000000.00"), today.AddDays(-30)),
            OriginalConditions = new Appraisal(Money.Zero, today.AddDays(-30)),
            RequestedPlan = [new(Money.Parse("1000000.00"), today.AddDays(30)), new(Money.Parse("1000000.00"), today.AddYears(1))],
        };

        // Stored as the service stored a contract before either rule: no consent, no kind of transfer, no record of the
        // rules it was checked against; its message still in the queue.
        var stored = JsonNode.Parse(new PaymentState { Contract = terms, ContractHash = "recorded-before-the-rules" }.Write())!.AsObject();
        stored.Remove("checkedWhenRecorded");
        stored.Remove("recordedBeforeRules");
        stored["contract"]!.AsObject().Remove("transfer");
        var store = new CaseStore(new TableServiceClient(fixture.Azurite.ConnectionString), new BlobServiceClient(fixture.Azurite.ConnectionString), TimeProvider.System);
        var (row, etag) = (await store.GetAsync("karamay", caseId, CancellationToken.None))!.Value;
        await store.CommitAsync(new CaseTransition(row with { Payments = stored.ToJsonString() }, etag), CancellationToken.None);
        await PaymentsQueue().SendMessageAsync(JsonSerializer.Serialize(new { tenantId = "karamay", caseId, contractId = terms.ContractId, version = 1 }));

        var payments = await WaitPaymentsAsync(town, caseId, "scheduled");
        Assert.Equal("requested", payments.GetProperty("plan").GetString());
        AssertSumsTo(payments, "2000000.00");
        Assert.Equal(2, payments.GetProperty("instalments").GetArrayLength());
        (string, string) RuleAndPath(JsonElement v) => (v.GetProperty("rule").GetString()!, v.GetProperty("path").GetString()!);
        var recordedBefore = new[] { ("instalment-consent-required", "$.instalmentConsent"), ("instalments-only-for", "$.transfer") };
        Assert.Equal(recordedBefore, payments.GetProperty("recordedBeforeRules").EnumerateArray().Select(RuleAndPath).ToArray());
        Assert.All(payments.GetProperty("recordedBeforeRules").EnumerateArray(), v => Assert.StartsWith("克拉玛依 art. 8(1)", v.GetProperty("source").GetString(), StringComparison.Ordinal));
        var computed = Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PaymentScheduleComputed");
        Assert.Equal(recordedBefore, computed.GetProperty("data").GetProperty("recordedBeforeRules").EnumerateArray().Select(RuleAndPath).ToArray());

        // Only contracts posted now are held to the rules: the same terms posted as version 2 are refused, and version 1 runs on.
        var version2 = Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00",
            plan: [("1000000.00", today.AddDays(30)), ("1000000.00", today.AddYears(1))]);
        version2["contractId"] = terms.ContractId;
        version2["version"] = 2;
        using (var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", version2))
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "$.transfer");
            Assert.Equal(recordedBefore, problem.GetProperty("violations").EnumerateArray().Select(RuleAndPath).ToArray());
        }

        Assert.Equal(1, (await WaitPaymentsAsync(town, caseId, "scheduled")).GetProperty("contractVersion").GetInt32());
    }

    [Fact]
    public async Task Urumqi_seventy_percent_of_the_new_appraisal_is_due_at_once_without_a_plan()
    {
        var (town, caseId, today) = await RedevelopmentAsync("urumqi");
        var payments = await RecordAndWaitAsync(town, caseId, Contract("new-conditions-70", today, newAmount: "10000000.01"), "scheduled");

        // 乌鲁木齐 items 8, 11: 0.7 × 10,000,000.01 = 7,000,000.007 → 7,000,000.01 (to the fen, half away from zero).
        Assert.Equal("7000000.01", payments.GetProperty("amountDue").GetString());
        Assert.Equal("lumpSum", payments.GetProperty("plan").GetString());
        Assert.Single(payments.GetProperty("instalments").EnumerateArray());
    }

    [Fact]
    public async Task Zhongwei_pays_twenty_percent_on_signing_a_further_fifty_within_a_month_and_the_rest_within_a_year()
    {
        var (town, caseId, today) = await RedevelopmentAsync("zhongwei");
        var contract = Contract("appraisal-difference-same-date", today, newAmount: "5000000.00", originalAmount: "1000000.03");

        // Section 4(3) is for every redevelopment contract: it names no kinds of transfer, so a contract stating one is refused.
        using (var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract.DeepClone().AsObject().WithTransfer()))
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "$.transfer");
            Assert.Equal("transfer-not-asked", Assert.Single(problem.GetProperty("violations").EnumerateArray()).GetProperty("rule").GetString());
        }

        var payments = await RecordAndWaitAsync(town, caseId, contract, "scheduled");

        Assert.Equal("3999999.97", payments.GetProperty("amountDue").GetString());
        Assert.Equal("fixed", payments.GetProperty("plan").GetString());
        var instalments = payments.GetProperty("instalments").EnumerateArray().ToList();
        Assert.Equal(3, instalments.Count);
        Assert.InRange(Money.Parse(instalments[0].GetProperty("amount").GetString()!).Fen - Money.Parse("3999999.97").Multiply(0.2m).Fen, -1, 1);
        Assert.True(DateOnly.Parse(instalments[2].GetProperty("dueOn").GetString()!, CultureInfo.InvariantCulture) <= today.AddYears(1).AddDays(7));
        AssertSumsTo(payments, "3999999.97");
    }

    [Fact]
    public async Task Jiamusi_a_no_charge_case_costs_nothing_and_cites_its_article()
    {
        var (town, caseId, today) = await RedevelopmentAsync("jiamusi");
        var contract = Contract(null, today);
        contract["noChargeCase"] = "industrial-zero-new-land";
        var payments = await RecordAndWaitAsync(town, caseId, contract, "scheduled");

        Assert.Equal("0.00", payments.GetProperty("amountDue").GetString());
        Assert.True(payments.GetProperty("noCharge").GetBoolean());
        Assert.Contains("佳木斯 item 17", payments.GetProperty("source").GetString());
        Assert.Empty(payments.GetProperty("instalments").EnumerateArray());
    }

    [Fact]
    public async Task A_plan_that_breaks_the_rules_is_rejected_with_every_violation_and_a_new_version_replaces_it()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var bad = Contract("appraisal-difference", today, newAmount: "1000000.00", originalAmount: "0.00",
            plan: [("400000.00", today), ("600000.00", today.AddYears(3))]).WithConsent().WithTransfer();
        var payments = await RecordAndWaitAsync(town, caseId, bad, "rejected");
        var rules = payments.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("rule").GetString()).ToList();
        Assert.Contains("first-payment-at-least", rules);
        Assert.Contains("all-within", rules);
        Assert.All(payments.GetProperty("violations").EnumerateArray(), v => Assert.Contains("克拉玛依 art. 8(1)", v.GetProperty("source").GetString()));

        // The same version with other content is refused; version 2 replaces the schedule.
        var fixedPlan = Contract("appraisal-difference", today, newAmount: "1000000.00", originalAmount: "0.00",
            plan: [("500000.00", today), ("500000.00", today.AddYears(1))]).WithConsent().WithTransfer();
        fixedPlan["contractId"] = bad["contractId"]!.GetValue<string>();
        using (var conflict = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", fixedPlan))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }

        fixedPlan["version"] = 2;
        payments = await RecordAndWaitAsync(town, caseId, fixedPlan, "scheduled");
        Assert.Equal(2, payments.GetProperty("contractVersion").GetInt32());
        Assert.Empty(payments.GetProperty("violations").EnumerateArray());
    }

    [Fact]
    public async Task A_redelivered_message_and_a_repeated_contract_change_nothing()
    {
        var (town, caseId, today) = await RedevelopmentAsync("urumqi");
        var contract = Contract("new-conditions-70", today, newAmount: "2000000.00");
        await RecordAndWaitAsync(town, caseId, contract, "scheduled");

        using (var again = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        // The host delivers at least once: the same message again.
        await PaymentsQueue().SendMessageAsync(JsonSerializer.Serialize(new { tenantId = "urumqi", caseId, contractId = contract["contractId"]!.GetValue<string>(), version = 1 }));
        await Task.Delay(4000);
        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "ContractRecorded");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentScheduleComputed");
    }

    [Fact]
    public async Task A_message_that_cannot_be_processed_ends_in_the_poison_queue_and_the_case_shows_the_error()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var contract = Contract("appraisal-difference", today, newAmount: "3000000.00", originalAmount: "1000000.00");
        await RecordAndWaitAsync(town, caseId, contract, "scheduled");
        var version2 = contract.DeepClone().AsObject();
        version2["version"] = 2;
        version2["appraisals"]!["newConditions"]!["amount"] = "3500000.00";
        using (var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", version2))
        {
            Assert.Equal(HttpStatusCode.Accepted, recorded.StatusCode);
        }

        await WaitPaymentsAsync(town, caseId, "scheduled", version: 2);

        // A message for a version the case never recorded: every try fails, then it is poisoned and the case says so.
        var poison = new QueueServiceClient(fixture.Azurite.ConnectionString).GetQueueClient("payments-poison");
        await PaymentsQueue().SendMessageAsync(JsonSerializer.Serialize(new { tenantId = "karamay", caseId, contractId = contract["contractId"]!.GetValue<string>(), version = 9 }));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await HasMessagesAsync(poison))
        {
            Assert.True(DateTime.UtcNow < deadline, "the message never reached payments-poison");
            await Task.Delay(500);
        }

        var timeline = await town.TimelineAsync(caseId);
        var failed = Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentComputationFailed");
        Assert.Contains("version 9", failed.GetProperty("data").GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_instalment_is_reminded_then_overdue_under_the_clock_and_one_paid_in_time_never_falls_overdue()
    {
        var (town, caseId, today) = await RedevelopmentAsync("karamay");
        var contract = Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00",
            plan: [("1000000.00", today.AddDays(20)), ("1000000.00", today.AddDays(200))]).WithConsent().WithTransfer();
        await RecordAndWaitAsync(town, caseId, contract, "scheduled");

        // Past the first instalment's reminder (7 days before), then past its due date; both mails name the consent the instalments rest on.
        await fixture.AdvanceAsync(TimeSpan.FromDays(14));
        var reminder = await WaitPaymentMailAsync(caseId, "payment-reminder", 1);
        Assert.Contains("土地价款缴纳提醒", reminder.Subject);
        AssertNamesConsent(reminder, today);
        await fixture.AdvanceAsync(TimeSpan.FromDays(10));
        AssertNamesConsent(await WaitPaymentMailAsync(caseId, "payment-overdue", 1), today);
        var payments = await WaitPaymentsAsync(town, caseId, "scheduled");
        Assert.Equal("overdue", payments.GetProperty("instalments")[0].GetProperty("status").GetString());

        // Paying both instalments in full before the second is due cancels its timers: no reminder, no overdue event.
        var receipt = new { reference = "BANK-" + Guid.NewGuid().ToString("N")[..10], amount = "2000000.00", receivedOn = Day(Today(await fixture.NowAsync())) };
        using (var paid = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt))
        {
            var body = await SurveyKit.Json(paid);
            Assert.True(paid.StatusCode == HttpStatusCode.Created, body.ToString());
            Assert.Equal("0.00", body.GetProperty("balance").GetString());
            Assert.All(body.GetProperty("instalments").EnumerateArray(), i => Assert.Equal("paid", i.GetProperty("status").GetString()));
        }

        using (var repeat = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        }

        await fixture.AdvanceAsync(TimeSpan.FromDays(200));
        await Task.Delay(1500);
        var timeline = await town.TimelineAsync(caseId);
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentOverdue");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentReminderSent");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentReceived");
        Assert.Single(timeline, e => e.GetProperty("type").GetString() == "PaymentsCompleted");
    }

    [Fact]
    public async Task Bad_contracts_and_receipts_are_refused_naming_the_field_and_change_nothing()
    {
        var (town, caseId, today) = await RedevelopmentAsync("urumqi");
        var events = (await town.TimelineAsync(caseId)).Count;
        var good = Contract("new-conditions-70", today, newAmount: "1000000.00");
        var contractCases = new (string Path, Action<JsonObject> Break)[]
        {
            ("$.contractId", c => c.Remove("contractId")),
            ("$.version", c => c["version"] = 0),
            ("$.version", c => c["version"] = 1.5),
            ("$.signedOn", c => c["signedOn"] = "2027-02-30"),
            ("$.effectiveOn", c => c["effectiveOn"] = Day(today.AddDays(-1))),
            ("$.priceBasis", c => c.Remove("priceBasis")),
            ("$.appraisals.newConditions.amount", c => c["appraisals"]!["newConditions"]!["amount"] = "12.345"),
            ("$.appraisals.newConditions.amount", c => c["appraisals"]!["newConditions"]!["amount"] = "-1.00"),
            ("$.appraisals.newConditions.valuationDate", c => c["appraisals"]!["newConditions"]!.AsObject().Remove("valuationDate")),
            ("$.appraisals.rumour", c => c["appraisals"]!["rumour"] = 1),
            ("$.requestedPlan", c => c["requestedPlan"] = "half now"),
            ("$.requestedPlan[0].dueOn", c => c["requestedPlan"] = new JsonArray(new JsonObject { ["amount"] = "1.00", ["dueOn"] = "soon" })),
            ("$.instalmentConsent", c => c["instalmentConsent"] = "yes"),
            ("$.instalmentConsent.reference", c => c.WithConsent()["instalmentConsent"]!.AsObject().Remove("reference")),
            ("$.instalmentConsent.reference", c => c.WithConsent()["instalmentConsent"]!["reference"] = new string('号', 101)),
            ("$.instalmentConsent.givenOn", c => c.WithConsent()["instalmentConsent"]!["givenOn"] = "2026-13-01"),
            ("$.transfer", c => c["transfer"] = 7),
            ("$.transfer", c => c["transfer"] = new string('a', 65)),
            ("$.surprise", c => c["surprise"] = true),
        };
        foreach (var (path, breakIt) in contractCases)
        {
            var bad = good.DeepClone().AsObject();
            breakIt(bad);
            using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", bad);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, path);
        }

        // No schedule yet: no receipt; a case off the redevelopment track takes no contract; an unknown case is 404.
        var receipt = new JsonObject { ["reference"] = "R-1", ["amount"] = "100.00", ["receivedOn"] = Day(today) };
        using (var early = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        var inReview = await town.StartCaseAsync();
        using (var offTrack = await town.SendAsync(HttpMethod.Post, $"cases/{inReview}/contract", good))
        {
            Assert.Equal(HttpStatusCode.Conflict, offTrack.StatusCode);
        }

        using (var missing = await town.SendAsync(HttpMethod.Post, "cases/c0000000000000000000/contract", good))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Equal(events, (await town.TimelineAsync(caseId)).Count);
        await RecordAndWaitAsync(town, caseId, good, "scheduled");

        // The single instalment is due today, so its reminder is already due and fires on its own: count after it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await town.TimelineAsync(caseId)).Any(e => e.GetProperty("type").GetString() == "PaymentReminderSent") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        events = (await town.TimelineAsync(caseId)).Count;
        var receiptCases = new (string Path, Action<JsonObject> Break)[]
        {
            ("$.reference", r => r.Remove("reference")),
            ("$.reference", r => r["reference"] = "has space"),
            ("$.amount", r => r["amount"] = "0.00"),
            ("$.amount", r => r["amount"] = "abc"),
            ("$.amount", r => r["amount"] = "700000.01"),
            ("$.receivedOn", r => r["receivedOn"] = Day(today.AddDays(30))),
            ("$.receivedOn", r => r["receivedOn"] = "yesterday"),
        };
        foreach (var (path, breakIt) in receiptCases)
        {
            var bad = receipt.DeepClone().AsObject();
            breakIt(bad);
            using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", bad);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, path);
        }

        Assert.Equal(events, (await town.TimelineAsync(caseId)).Count);
    }

    private static void AssertNamesConsent(LandRedevelopment.Testing.CapturedMail mail, DateOnly givenOn)
    {
        foreach (var body in new[] { mail.Text, mail.Html })
        {
            Assert.NotNull(body);
            Assert.Contains("分期缴纳经 city-government 同意", body, StringComparison.Ordinal);
            Assert.Contains("克政函〔2026〕12号", body, StringComparison.Ordinal);
            Assert.Contains(Day(givenOn), body, StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string path)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == path);
        return problem;
    }

    private static async Task<bool> HasMessagesAsync(QueueClient queue)
    {
        try
        {
            return (await queue.PeekMessagesAsync(32)).Value.Length > 0;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private QueueClient PaymentsQueue() =>
        new QueueServiceClient(fixture.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient("payments");

    private Task<LandRedevelopment.Testing.CapturedMail> WaitPaymentMailAsync(string caseId, string kind, int instalment) =>
        fixture.MailDev.WaitForAsync(m => m.Header("x-case-id") == caseId && m.Header("x-payment-kind") == kind && m.Header("x-instalment") == instalment.ToString(CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(30));

    private async Task<JsonElement> RecordAndWaitAsync(ReviewCity town, string caseId, JsonObject contract, string status)
    {
        using (var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract))
        {
            var body = await SurveyKit.Json(recorded);
            Assert.True(recorded.StatusCode == HttpStatusCode.Accepted, body.ToString());
            Assert.Equal($"/api/t/{town.Tenant}/cases/{caseId}/payments", recorded.Headers.Location!.ToString());
        }

        return await WaitPaymentsAsync(town, caseId, status, contract["version"]!.GetValue<int>());
    }

    private static void AssertSumsTo(JsonElement payments, string amount) =>
        Assert.Equal(Money.Parse(amount), Money.Sum(payments.GetProperty("instalments").EnumerateArray().Select(i => Money.Parse(i.GetProperty("amount").GetString()!))));
}
