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

        // The same figures as a table for a spreadsheet: the city, then the district, each with a row per state.
        using (var csv = await town.SendAsync(HttpMethod.Get, "progress?format=csv"))
        {
            var bytes = await csv.Content.ReadAsByteArrayAsync();
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("progress-karamay-", csv.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
            using var reader = CsvHelper.CsvReader.Create(bytes[3..], null);
            string[] columns = ["scope", "district", "state", "cases", "areaM2", "landPriceScheduled", "landPriceDue", "landPricePaid", "landPriceOutstanding", "landPriceOverdue"];
            var rows = new List<Dictionary<string, string>>();
            while (reader.Read())
            {
                rows.Add(columns.ToDictionary(c => c, c => reader.GetString(c)));
            }

            var city = Assert.Single(rows, r => r["scope"] == "city" && r["state"] == "");
            Assert.Equal(("2", "1", due, "500000.00", "1500000.00", "700000.00"),
                (city["cases"], city["landPriceScheduled"], city["landPriceDue"], city["landPricePaid"], city["landPriceOutstanding"], city["landPriceOverdue"]));
            var inDistrict = rows.Where(r => r["scope"] == "district" && r["district"] == district).ToList();
            Assert.Equal(("2", "700000.00"), (inDistrict[0]["cases"], inDistrict[0]["landPriceOverdue"]));
            Assert.Contains(inDistrict, r => r["state"] == "Redevelopment" && r["cases"] == "1" && r["landPriceDue"] == "");
            Assert.Equal(report.GetProperty("areaM2").GetDecimal(), decimal.Parse(city["areaM2"], System.Globalization.CultureInfo.InvariantCulture));
        }

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
