using System.Net;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Testing;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// Several instances of the app on one storage account, as the Functions host runs them in Azure: under a mixed load
/// spread over them, every effect happens once, queue work is shared, and concurrent sweepers do no harm.
/// </summary>
public sealed class ScaleOutFaultTests(ReviewFixture fixture, ITestOutputHelper output) : IClassFixture<ReviewFixture>
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Every_effect_happens_once_across_instances_and_queue_work_is_shared(int instances)
    {
        var apps = new List<AppProcess> { fixture.App };
        for (var i = 1; i < instances; i++)
        {
            apps.Add(await fixture.StartAppAsync());
        }

        try
        {
            // Surveys bounded: the forty days' advance below fires every timer of every case left in review, in one call.
            var load = new MixedLoad(fixture, turn => apps[turn % apps.Count].Http) { MaxSurveys = 60 };
            await load.PrepareAsync(redevelopmentCases: 2);
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                await load.RunAsync(stop.Token);
            }

            await load.WaitForEmptyOutboxAsync(TimeSpan.FromSeconds(90));
            var checkedCases = await load.VerifyAsync(apps[^1]);

            // Forty days on, with every instance sweeping at the same moment: each due timer fires once.
            await fixture.AdvanceAsync(TimeSpan.FromDays(40));
            await Task.WhenAll(apps.Select(SweepAsync));
            var town = fixture.City("karamay");
            var overdue = 0;
            foreach (var caseId in load.Cases)
            {
                var timeline = await town.TimelineAsync(caseId);
                MixedLoad.AssertNoTransitionTwice(caseId, timeline);
                if ((await town.CaseAsync(caseId)).GetProperty("state").GetString() == "InReview")
                {
                    Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepOverdue");
                    overdue++;
                }
            }

            // Mails: at least once, never two different messages for one thing (a repeat keeps its Message-ID).
            await load.WaitForEmptyOutboxAsync(TimeSpan.FromSeconds(90));
            var mails = (await fixture.MailDev.MessagesAsync()).Where(m => load.Cases.Contains(m.Header("x-case-id"))).ToList();
            var logical = mails.GroupBy(m => (m.Header("x-case-id"), m.Header("x-review-kind"), m.Header("x-review-step"), m.Header("x-officer-id")));
            foreach (var group in logical)
            {
                Assert.True(group.Select(m => m.MessageId).Distinct().Count() == 1, $"{group.Key}: {string.Join(", ", group.Select(m => m.MessageId))}");
            }

            // The queue work went to more than one instance.
            var working = apps.Count(a => a.Process.Output.Contains("[CaseSignals]", StringComparison.Ordinal));
            output.WriteLine($"instances={instances} cases={load.Cases.Count} uploads={load.Uploads.Count} decisions={load.Decided.Count} contracts={load.Contracts.Count} checked={checkedCases} overdue={overdue} mails={mails.Count} instances-with-queue-work={working}");
            output.WriteLine(load.Report());
            Assert.True(working >= 2, $"only {working} of {instances} instances took queue messages");
            Assert.True(load.Cases.Count >= 5 && load.Contracts.Count == 2, load.Report());
        }
        finally
        {
            foreach (var app in apps.Skip(1))
            {
                app.Dispose();
            }
        }
    }

    private static async Task SweepAsync(AppProcess app)
    {
        var envelope = new { Data = new { sweep = new { Schedule = new { AdjustForDST = true }, IsPastDue = false } }, Metadata = new { } };
        using var response = await app.Http.PostAsJsonAsync("ReviewSweeper", envelope);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
