using System.Net;
using System.Text.Json;
using LandRedevelopment.Functions.Tests.Review;
using static LandRedevelopment.Functions.Tests.Cases.ProgressTests;
using static LandRedevelopment.Functions.Tests.Payments.PaymentsKit;

namespace LandRedevelopment.Functions.Tests.Cases;

/// <summary>
/// The land price in the programme's progress: what the parcels' schedules make due, what was received, what is owed and
/// what is overdue. On a fixture of its own, since it moves the clock past an instalment's due date.
/// </summary>
public sealed class ProgressLandPriceTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task The_progress_follows_a_parcels_schedule_its_overdue_instalment_and_the_money_received()
    {
        var (town, caseId, today) = await RedevelopmentAsync(fixture, "karamay");
        var district = (await town.CaseAsync(caseId)).GetProperty("parcel").GetProperty("district").GetString()!;
        // A parcel in review beside it, with no contract: counted in its district, with no land price.
        await town.StartCaseAsync();

        // Before any contract, nothing is due.
        AssertLandPrice(await ProgressAsync(town, "progress"), 0, "0.00", "0.00", "0.00", "0.00");

        var contract = Contract("appraisal-difference", today, newAmount: "2000000.00", originalAmount: "0.00",
            plan: [("1200000.00", today.AddDays(20)), ("800000.00", today.AddDays(200))]).WithConsent().WithTransfer();
        using (var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract))
        {
            Assert.Equal(HttpStatusCode.Accepted, recorded.StatusCode);
        }

        var due = (await WaitPaymentsAsync(town, caseId, "scheduled")).GetProperty("amountDue").GetString()!;
        Assert.Equal("2000000.00", due);
        AssertLandPrice(await ProgressAsync(town, "progress"), 1, due, "0.00", due, "0.00");

        // Past the first instalment's due date it falls overdue, whole; a part paid then leaves the rest of it overdue.
        await fixture.AdvanceAsync(TimeSpan.FromDays(25));
        await town.WaitEventsAsync(caseId, "PaymentOverdue", 1);
        AssertLandPrice(await ProgressAsync(town, "progress"), 1, due, "0.00", due, "1200000.00");

        var receipt = new { reference = "BANK-" + Guid.NewGuid().ToString("N")[..10], amount = "500000.00", receivedOn = Day(Today(await fixture.NowAsync())) };
        using (var paid = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", receipt))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var report = await ProgressAsync(town, "progress");
        AssertLandPrice(report, 1, due, "500000.00", "1500000.00", "700000.00");
        var districts = report.GetProperty("byDistrict").EnumerateArray().ToDictionary(d => d.GetProperty("district").GetString()!, d => d);
        AssertLandPrice(districts[district], 1, due, "500000.00", "1500000.00", "700000.00");
        Assert.Equal(2, districts[district].GetProperty("cases").GetInt32());
        Assert.Contains(report.GetProperty("byState").EnumerateArray(), s => s.GetProperty("state").GetString() == "Redevelopment");

        // Another city's progress has none of it.
        AssertLandPrice(await ProgressAsync(fixture.City("urumqi"), "progress"), 0, "0.00", "0.00", "0.00", "0.00");
    }

    private static void AssertLandPrice(JsonElement report, int scheduled, string due, string paid, string outstanding, string overdue)
    {
        var price = report.GetProperty("landPrice");
        Assert.True(
            (scheduled, due, paid, outstanding, overdue) == (price.GetProperty("scheduled").GetInt32(), price.GetProperty("due").GetString(),
                price.GetProperty("paid").GetString(), price.GetProperty("outstanding").GetString(), price.GetProperty("overdue").GetString()),
            price.ToString());
    }
}
