using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Payments;
using LandRedevelopment.Functions.Tests.Review;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// At-least-once delivery: two urumqi cases go through the same life — evidence completing the survey (case-signals),
/// the determination chain with its step's reminder and deadline timers firing (review-timers), service, the plan,
/// a contract whose schedule is computed (payments) and an instalment's reminder and overdue timers — one with every
/// queue message delivered once, the other with every message delivered twice at once and then once more at the end.
/// Both must end the same: state, decisions, deadlines, timeline, schedule, rows in storage and mails.
/// </summary>
public sealed partial class RedeliveryFaultTests(HostlessReviewFixture fixture, ITestOutputHelper output) : IClassFixture<HostlessReviewFixture>
{
    private const string Tenant = "urumqi";

    [Fact]
    public async Task Every_queue_message_delivered_twice_ends_like_once()
    {
        var town = fixture.City(Tenant);
        var photo = SurveyKit.Jpeg(1500, seed: 901);
        var once = await town.SubmitAsync(null, SurveyKit.Declare("site.jpg", photo, "image/jpeg"));
        var twice = await town.SubmitAsync(null, SurveyKit.Declare("site.jpg", photo, "image/jpeg"));
        string[] cases = [once, twice];
        var host = new QueueHost(fixture, new HashSet<string> { twice });

        // Evidence completes the survey: its outbox puts a signal on case-signals that starts the review.
        foreach (var caseId in cases)
        {
            using var upload = await town.PutEvidenceAsync(caseId, "site.jpg", photo, "image/jpeg");
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        await host.PumpAsync("case-signals", expected: 2);
        await ForBothAsync(cases, c => town.WaitStateAsync(c, "InReview"));

        // The determination chain; at the second step its reminder and then its deadline fire through their messages.
        var (determination, plan) = PaymentsKit.Chains[Tenant];
        await ForBothAsync(cases, c => town.DecideAsync(c, determination[0] + "#1"));
        await ForBothAsync(cases, c => town.WaitStepAsync(c, determination[1], 1));
        await ForBothAsync(cases, c => fixture.MailAsync(c, "decision-request", determination[1] + "#1"));
        await host.FireTimersAsync(cases, await LatestAsync(cases, async c => (await town.CaseAsync(c)).GetProperty("review").GetProperty("currentStep").GetProperty("dueAt").GetDateTimeOffset()));
        await ForBothAsync(cases, c => fixture.MailAsync(c, "overdue", determination[1] + "#1"));
        await ForBothAsync(cases, c => town.DecideAsync(c, determination[1] + "#1"));
        await ForBothAsync(cases, c => town.WaitStateAsync(c, "DeterminationIssued"));

        // Service, the plan and its chain.
        var today = PaymentsKit.Today(await fixture.NowAsync());
        foreach (var caseId in cases)
        {
            await PostOkAsync(town, caseId, "service", new { servedOn = PaymentsKit.Day(today) });
            await PostOkAsync(town, caseId, "plan", new { submissionId = "plan-" + caseId, newLandUse = "industrial" });
        }

        foreach (var step in plan)
        {
            await ForBothAsync(cases, c => town.DecideAsync(c, $"{step}#{1 + determination.Count(s => s == step)}"));
        }

        await ForBothAsync(cases, c => town.WaitStateAsync(c, "Redevelopment"));

        // The contract: ComputePayments takes its message from the payments queue.
        foreach (var caseId in cases)
        {
            var contract = PaymentsKit.Contract("new-conditions-70", today, newAmount: "3000000.00", plan: [("1050000.00", today.AddDays(20)), ("1050000.00", today.AddDays(300))]).WithTransfer();
            contract["contractId"] = "HT-" + caseId[^10..];
            using var recorded = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/contract", contract);
            Assert.True(recorded.StatusCode == HttpStatusCode.Accepted, await recorded.Content.ReadAsStringAsync());
        }

        await host.PumpAsync("payments", expected: 2);
        await ForBothAsync(cases, c => PaymentsKit.WaitPaymentsAsync(town, c, "scheduled"));

        // The first instalment's reminder and overdue timers.
        await host.FireTimersAsync(cases, await LatestAsync(cases, async c => EndOfDay(DateOnly.Parse(
            (await PaymentsKit.WaitPaymentsAsync(town, c, "scheduled")).GetProperty("instalments")[0].GetProperty("dueOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture))));
        await ForBothAsync(cases, c => fixture.MailDev.WaitForAsync(m => m.Header("x-case-id") == c && m.Header("x-payment-kind") == "payment-overdue", TimeSpan.FromSeconds(30)));

        // Long after the fact, every message of the twice-delivered case once more.
        await host.RedeliverLateAsync();
        await Task.Delay(2000);

        output.WriteLine($"case delivered once: {once}; twice: {twice}");
        host.Report(output);
        var control = await OutcomeAsync(town, once);
        var doubled = await OutcomeAsync(town, twice);
        output.WriteLine("control case:\n" + control);
        Assert.True(host.Count("case-signals: invocations") >= 4 && host.Count("payments: invocations") >= 4 && host.Count("review-timers: invocations") >= 20,
            "too few deliveries to say anything");
        Assert.Equal(control, doubled);
    }

    /// <summary>Everything a redelivery could change, with the case's own ids, times and dates taken out.</summary>
    private async Task<string> OutcomeAsync(ReviewCity town, string caseId)
    {
        var view = await town.CaseAsync(caseId);
        var review = view.GetProperty("review");
        var decisions = review.GetProperty("decisions").EnumerateArray()
            .Select(d => $"{d.GetProperty("stepId")}#{d.GetProperty("attempt")} {d.GetProperty("action")} by {d.GetProperty("officerId")}");
        var deadlines = view.GetProperty("deadlines").EnumerateArray().Select(d => Scrub(d.GetRawText(), caseId));
        var timeline = (await town.TimelineAsync(caseId)).Select(e => $"{e.GetProperty("type").GetString()} by {Scrub(e.GetProperty("actor").GetString() ?? "", caseId)}");
        using var paymentsResponse = await town.SendAsync(HttpMethod.Get, $"cases/{caseId}/payments");
        var payments = await SurveyKit.Json(paymentsResponse);
        var instalments = payments.GetProperty("instalments").EnumerateArray()
            .Select(i => $"#{i.GetProperty("number")} {i.GetProperty("amount")} paid {i.GetProperty("paid")} {i.GetProperty("status")} reminded={i.GetProperty("reminded")}");
        var mails = (await fixture.MailsAsync(caseId))
            .Select(m => $"{m.Header("x-review-kind") ?? m.Header("x-payment-kind")} step={m.Header("x-review-step")} instalment={m.Header("x-instalment")} to={string.Join(",", m.To.Select(t => t.Address))}")
            .Order(StringComparer.Ordinal);
        var snapshot = await StorageSnapshot.TakeAsync(fixture.Azurite.ConnectionString);
        var rows = snapshot.Lines.Where(l => l.Contains(caseId, StringComparison.Ordinal) && l.StartsWith("table:", StringComparison.Ordinal))
            .Select(l => string.Join(StorageSnapshot.Separator, l.Split(StorageSnapshot.Separator).Take(3)))
            .Select(l => Scrub(l, caseId))
            .GroupBy(l => l).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}");
        var blobs = snapshot.Lines.Where(l => l.Contains(caseId, StringComparison.Ordinal) && l.StartsWith("blob:", StringComparison.Ordinal)).Select(l => Scrub(l.Split(StorageSnapshot.Separator)[1], caseId));
        return string.Join("\n", new[]
        {
            $"state: {view.GetProperty("state")}; current step: {(review.TryGetProperty("currentStep", out var step) && step.ValueKind == JsonValueKind.Object ? step.GetProperty("id") : "none")}",
            "decisions: " + string.Join("; ", decisions),
            "deadlines: " + string.Join("; ", deadlines),
            $"timeline ({timeline.Count()} events): " + string.Join(", ", timeline),
            $"payments: {payments.GetProperty("status")} due {payments.GetProperty("amountDue")} paid {payments.GetProperty("paid")} balance {payments.GetProperty("balance")}; " + string.Join("; ", instalments),
            $"mails ({mails.Count()}):\n  " + string.Join("\n  ", mails),
            "rows:\n  " + string.Join("\n  ", rows),
            "blobs: " + string.Join(", ", blobs),
        });
    }

    /// <summary>The case id, timestamps, dates and long hex or digit runs (ids, versions, sequence numbers) become placeholders.</summary>
    private static string Scrub(string text, string caseId) =>
        Volatile().Replace(text.Replace(caseId, "{case}", StringComparison.Ordinal), "#");

    private static async Task PostOkAsync(ReviewCity town, string caseId, string what, object body)
    {
        using var response = await town.SendAsync(HttpMethod.Post, $"cases/{caseId}/{what}", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The latest of an instant per case, plus a minute.</summary>
    private static async Task<DateTimeOffset> LatestAsync(string[] cases, Func<string, Task<DateTimeOffset>> instant) =>
        (await Task.WhenAll(cases.Select(instant))).Max() + TimeSpan.FromMinutes(1);

    /// <summary>24:00 of a day in the city (Asia/Shanghai).</summary>
    private static DateTimeOffset EndOfDay(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    private static Task ForBothAsync(string[] cases, Func<string, Task> step) => Task.WhenAll(cases.Select(step));

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?|[0-9a-f]{12,}|\d{3,}")]
    private static partial Regex Volatile();
}
