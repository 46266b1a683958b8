using System.Net;
using System.Text.Json;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;

using static LandRedevelopment.Functions.Tests.Payments.PaymentsKit;

namespace LandRedevelopment.Functions.Tests.Payments;

/// <summary>
/// The review fixture whose trigger runner leaves the <c>payments</c> queue alone: the test invokes ComputePayments
/// itself, as the Functions host would, so a contract version stays queued for as long as the test needs.
/// </summary>
public sealed class ReviewFixtureWithoutPayments : ReviewFixture
{
    protected override IReadOnlyDictionary<string, string?>? AppSettings => new Dictionary<string, string?>
    {
        ["LocalTriggers__Functions__0"] = "CaseSignals",
        ["LocalTriggers__Functions__1"] = "ReviewTimers",
        ["LocalTriggers__Functions__2"] = "ReviewSweeper",
    };
}

/// <summary>Retries and late failures while a newer contract version waits for its computation.</summary>
public sealed class PaymentRetryTests(ReviewFixtureWithoutPayments fixture) : IClassFixture<ReviewFixtureWithoutPayments>
{
    [Fact]
    public async Task A_receipt_retried_while_a_new_contract_version_is_queued_is_the_same_receipt_not_a_refusal()
    {
        var (town, caseId, today) = await RedevelopmentAsync(fixture, "karamay");
        var contract = Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00");
        await RecordAsync(town, caseId, contract);
        await ComputeAsync(town, caseId, contract, version: 1, dequeueCount: 1, HttpStatusCode.OK);
        await WaitPaymentsAsync(town, caseId, "scheduled", 1);
        var receipt = new { reference = "BANK-" + Guid.NewGuid().ToString("N")[..10], amount = "500000.00", receivedOn = Day(today) };
        using (var paid = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        // Version 2 waits in the queue; the land user's bank retries the receipt whose answer it never saw.
        var version2 = contract.DeepClone().AsObject();
        version2["version"] = 2;
        await RecordAsync(town, caseId, version2);
        using var retry = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt);
        using var other = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt with { amount = "1.00" });

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var payments = await WaitPaymentsAsync(town, caseId, "queued", 2);
        Assert.Single(payments.GetProperty("receipts").EnumerateArray());
    }

    [Fact]
    public async Task The_last_failed_try_of_another_versions_message_is_recorded_but_leaves_the_queued_version_to_its_own_message()
    {
        var (town, caseId, today) = await RedevelopmentAsync(fixture, "karamay");
        var contract = Contract("appraisal-difference", today, newAmount: "3000000.00", originalAmount: "1000000.00");
        await RecordAsync(town, caseId, contract);
        var version2 = contract.DeepClone().AsObject();
        version2["version"] = 2;
        version2["appraisals"]!["newConditions"]!["amount"] = "3500000.00";
        await RecordAsync(town, caseId, version2);

        // A message the case cannot take (a version it never recorded) fails its fifth and last try.
        await ComputeAsync(town, caseId, contract, version: 9, dequeueCount: 5, HttpStatusCode.InternalServerError);

        var queued = await WaitPaymentsAsync(town, caseId, "queued", 2);
        Assert.False(queued.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String, queued.ToString());
        var failed = Assert.Single(await town.TimelineAsync(caseId), e => e.GetProperty("type").GetString() == "PaymentComputationFailed");
        Assert.Contains("version 9", failed.GetProperty("data").GetProperty("error").GetString(), StringComparison.Ordinal);

        // Version 2's own message still computes it.
        await ComputeAsync(town, caseId, version2, version: 2, dequeueCount: 1, HttpStatusCode.OK);
        var scheduled = await WaitPaymentsAsync(town, caseId, "scheduled", 2);
        Assert.Equal("2500000.00", scheduled.GetProperty("amountDue").GetString());
    }

    private static async Task RecordAsync(ReviewCity town, string caseId, System.Text.Json.Nodes.JsonObject contract)
    {
        using var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract);
        var body = await SurveyKit.Json(recorded);
        Assert.True(recorded.StatusCode == HttpStatusCode.Accepted, body.ToString());
    }

    /// <summary>Invokes ComputePayments as the Functions host does, with the message of <paramref name="version"/> on its <paramref name="dequeueCount"/>th try.</summary>
    private async Task ComputeAsync(ReviewCity town, string caseId, System.Text.Json.Nodes.JsonObject contract, int version, int dequeueCount, HttpStatusCode expected)
    {
        var text = JsonSerializer.Serialize(new { tenantId = town.Tenant, caseId, contractId = contract["contractId"]!.GetValue<string>(), version });
        var envelope = new
        {
            Data = new Dictionary<string, object> { ["payment"] = text },
            Metadata = new Dictionary<string, object>
            {
                ["Id"] = Guid.NewGuid().ToString(), ["DequeueCount"] = dequeueCount, ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                ["sys"] = new { MethodName = "ComputePayments", UtcNow = DateTimeOffset.UtcNow, RandGuid = Guid.NewGuid() },
            },
        };
        using var response = await fixture.App.Http.PostAsJsonAsync("ComputePayments", envelope);
        Assert.True(response.StatusCode == expected, $"ComputePayments answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
