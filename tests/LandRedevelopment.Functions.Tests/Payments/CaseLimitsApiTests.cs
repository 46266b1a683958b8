using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Payments.Durable;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Tables;

using static LandRedevelopment.Functions.Tests.Payments.PaymentsKit;

namespace LandRedevelopment.Functions.Tests.Payments;

/// <summary>
/// The limits that keep a case's row inside Table storage's 1 MiB (<see cref="CaseLimits"/>), through the real app: a
/// case driven to a limit refuses the next request with 409 naming the rule and the field, and its row stays as it
/// was. Cases are brought to the limit by writing their row through the store, as hundreds of requests would.
/// </summary>
public sealed class CaseLimitsApiTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private CaseStore Store() => new(new TableServiceClient(fixture.Azurite.ConnectionString), new BlobServiceClient(fixture.Azurite.ConnectionString), TimeProvider.System);

    /// <summary>Writes the case row as <paramref name="change"/> makes it, with one event saying so.</summary>
    private async Task SeedAsync(string tenant, string caseId, Func<ParcelCase, ParcelCase> change)
    {
        var store = Store();
        for (var attempt = 0; ; attempt++)
        {
            var (read, etag) = (await store.GetAsync(tenant, caseId, CancellationToken.None))!.Value;
            var updated = change(read) with { Version = read.Version + 1 };
            try
            {
                await store.CommitAsync(new CaseTransition(updated, etag) { Events = [new NewCaseEvent("Seeded", "system", new { })] }, CancellationToken.None);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                // The app's own work on the case (its timers, the relay) committed meanwhile: read again.
            }
        }
    }

    /// <summary>The case row as stored (every property and its ETag), to show a refused request changed nothing.</summary>
    private async Task<string> RowAsync(string tenant, string caseId)
    {
        var row = (await new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("cases")
            .GetEntityIfExistsAsync(CaseStore.PartitionOf(tenant, caseId), "case", cancellationToken: CancellationToken.None)).Value!;
        return row.ETag + "\n" + string.Join("\n", CaseLimits.Properties(row).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>An Urumqi case on the redevelopment track whose lump-sum schedule is computed and reminded.</summary>
    private async Task<(ReviewCity Town, string CaseId, DateOnly Today)> ScheduledAsync()
    {
        var (town, caseId, today) = await RedevelopmentAsync(fixture, "urumqi");
        using (var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", Contract("new-conditions-70", today, newAmount: "10000000.00")))
        {
            Assert.Equal(HttpStatusCode.Accepted, recorded.StatusCode);
        }

        await WaitPaymentsAsync(town, caseId, "scheduled");

        // The lump sum is due within the reminder days, so its reminder fires at once: let it, before the row is compared.
        await town.WaitEventsAsync(caseId, "PaymentReminderSent", 1);
        return (town, caseId, today);
    }

    [Fact]
    public async Task A_receipt_past_the_cases_receipts_limit_is_refused_and_nothing_is_recorded_while_a_repeat_is_still_answered()
    {
        var (town, caseId, today) = await ScheduledAsync();
        var first = new { reference = "BANK-0000", amount = "0.01", receivedOn = Day(today) };
        using (var paid = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", first))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        // The rest of the receipts a case keeps, a fen each, as years of small payments would leave them.
        await SeedAsync(town.Tenant, caseId, c =>
        {
            var state = PaymentState.Read(c.Payments)!;
            var more = Enumerable.Range(1, CaseLimits.MaxReceipts - 1).Select(i => new Receipt($"BANK-{i:D4}", Money.FromFen(1), today, DateTimeOffset.UtcNow));
            return c with { Payments = (state with { Receipts = state.Receipts.AddRange(more) }).Write() };
        });
        var row = await RowAsync(town.Tenant, caseId);
        var timeline = (await town.TimelineAsync(caseId)).Count;

        using (var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", new { reference = "BANK-NEXT", amount = "0.01", receivedOn = Day(today) }))
        {
            await ReviewFixture.AssertLimitAsync(refused, "receipts-limit", "$.reference");
        }

        // A retry of money already on record is still answered as such.
        using (var repeat = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", first))
        {
            var body = await SurveyKit.Json(repeat);
            Assert.True(repeat.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal(CaseLimits.MaxReceipts, body.GetProperty("receipts").GetArrayLength());
        }

        Assert.Equal(row, await RowAsync(town.Tenant, caseId));
        Assert.Equal(timeline, (await town.TimelineAsync(caseId)).Count);
    }

    [Fact]
    public async Task A_write_that_would_take_the_row_past_1_MiB_is_refused_as_a_case_record_limit_not_a_500()
    {
        var (town, caseId, today) = await ScheduledAsync();

        // A path no limit foresaw: the row a few hundred bytes under 1 MiB (as storage counts it; padded in the stored
        // screening), so that a receipt would take it past.
        var pad = 400_000;
        for (var i = 0; i < 2; i++)
        {
            var padded = pad;
            await SeedAsync(town.Tenant, caseId, c =>
            {
                var screening = JsonNode.Parse(c.Screening.GetRawText())!.AsObject();
                screening["pad"] = new string('x', padded);
                return c with { Screening = JsonSerializer.SerializeToElement(screening) };
            });
            var bytes = CaseLimits.EntityBytes((await new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("cases")
                .GetEntityIfExistsAsync(CaseStore.PartitionOf(town.Tenant, caseId), "case")).Value!);
            pad += (int)((CaseLimits.MaxEntityBytes - 300 - bytes) / 2);
        }

        var row = await RowAsync(town.Tenant, caseId);
        using (var refused = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/payments/receipts", new { reference = "BANK-ROW", amount = "0.01", receivedOn = Day(today) }))
        {
            await ReviewFixture.AssertLimitAsync(refused, "case-record-limit", "$");
        }

        Assert.Equal(row, await RowAsync(town.Tenant, caseId));
    }

    [Fact]
    public async Task A_return_past_the_rework_limit_is_refused_on_the_decision_link_and_the_case_stays_in_its_step()
    {
        var town = fixture.City("karamay");
        var caseId = await town.StartCaseAsync();

        // The returns a case takes, as earlier rounds of the review left them.
        await SeedAsync(town.Tenant, caseId, c =>
        {
            var state = ReviewStateJson.Read(c.Review);
            var returns = Enumerable.Range(1, CaseLimits.MaxReworkReturns)
                .Select(i => new RecordedDecision(ReviewTrack.Determination, "earlier-round", i, "officer", DateTimeOffset.UtcNow, DecisionAction.Return, "补充"));
            return c with { Review = ReviewStateJson.Write(state with { Decisions = state.Decisions.AddRange(returns) }) };
        });
        var row = await RowAsync(town.Tenant, caseId);

        var mail = await fixture.MailAsync(caseId, "decision-request", "district-investigation#1");
        using (var refused = await fixture.SendLinkAsJsonAsync(HttpMethod.Post, ReviewFixture.Link(mail, "return")))
        {
            await ReviewFixture.AssertLimitAsync(refused, "rework-limit", "action");
        }

        Assert.Equal(row, await RowAsync(town.Tenant, caseId));
        Assert.Equal("InReview", (await town.CaseAsync(caseId)).GetProperty("state").GetString());

        // Approving still decides the step.
        await town.DecideAsync(caseId, "district-investigation#1");
        await town.WaitStepAsync(caseId, "district-government-confirmation", 1);
    }
}
