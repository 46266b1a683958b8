using LandRedevelopment.Functions.Tests.Review;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// Expired decision links, on a fixture of their own (the clock moves a month and a half, which would disturb any other
/// test on the same storage): every press, view, forgery and comment of a link past its grace is refused and decides nothing.
/// </summary>
public sealed class ExpiredLinkFaultTests(ReviewFixture fixture, ITestOutputHelper output) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Expired_links_pressed_again_and_again_are_gone_and_decide_nothing()
    {
        var town = fixture.City("urumqi");
        var caseId = await town.StartCaseAsync();
        var mail = await fixture.MailAsync(caseId, "decision-request", "district-investigation#1");
        var dueAt = (await town.CaseAsync(caseId)).GetProperty("review").GetProperty("currentStep").GetProperty("dueAt").GetDateTimeOffset();
        await fixture.AdvancePastAsync(dueAt + TimeSpan.FromDays(31));
        await fixture.MailAsync(caseId, "overdue", "district-investigation#1");
        // The overdue step's weekly reminders (days 7, 14, 21 and 28) come first; then nothing moves but the links pressed.
        await town.WaitEventsAsync(caseId, "OverdueReminderRaised", 4);
        var before = await town.SnapshotAsync(caseId);

        var random = new Random(20270302);
        var requests = new List<HostileRequest>();
        foreach (var action in new[] { "approve", "return", "reject" })
        {
            var token = ReviewFixture.Token(ReviewFixture.Link(mail, action));
            for (var i = 0; i < 20; i++)
            {
                requests.AddRange(HostileLinks.Calls("expired link", token, $"{action} #{i}", random));
                requests.Add(HostileLinks.Post("expired link", token, $"{action} with a long comment #{i}", json: i % 2 == 0, comment: new string('迟', 1 + random.Next(3000))));
            }

            for (var i = 0; i < 10; i++)
            {
                requests.AddRange(HostileLinks.Calls("expired and forged", HostileLinks.Forge(token, random), $"{action} forgery #{i}", random));
            }
        }

        await HostileRun.RunAsync(fixture, output, "expired links", requests, minimum: 240);
        Assert.Equal(before, await town.SnapshotAsync(caseId));
    }
}
