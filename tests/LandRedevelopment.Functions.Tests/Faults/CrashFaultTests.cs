using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Testing;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>A mixed load while the app is killed (SIGKILL) at random moments and restarted: nothing acknowledged is lost, nothing happens twice.</summary>
public sealed class CrashFaultTests(ReviewFixture fixture, ITestOutputHelper output) : IClassFixture<ReviewFixture>
{
    [Fact]
    public async Task Killing_the_app_at_random_under_load_loses_nothing_acknowledged_and_applies_nothing_twice()
    {
        var random = new Random(20261122);
        var victim = await fixture.StartAppAsync();
        var port = victim.Port;
        // The load's own client: it outlives every instance it talks to, as a field app's would.
        using var client = new HttpClient { BaseAddress = victim.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // Paced and bounded: the clock's advance at the end fires every case's timers, so their number stays near the
        // same on a fast machine and a slow one, while surveys still arrive through every kill.
        var load = new MixedLoad(fixture, _ => client) { MaxSurveys = 200, SurveyPause = TimeSpan.FromMilliseconds(150) };
        await load.PrepareAsync(redevelopmentCases: 3);

        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var kills = 0;
        try
        {
            for (; kills < 6; kills++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 4000)));
                victim.Process.Kill();
                victim.Dispose();
                victim = await fixture.StartAppAsync(port: port);
            }

            await Task.Delay(2000);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }

        // The last instance (and the fixture's own) relays what the dead ones left, at start-up and by the sweeper.
        await load.WaitForEmptyOutboxAsync(TimeSpan.FromSeconds(90));
        var checkedCases = await load.VerifyAsync(victim);

        // Due timers fire after all that: forty days on, every case still at its first steps is overdue exactly once.
        var advancing = System.Diagnostics.Stopwatch.StartNew();
        var advanced = await fixture.AdvanceAsync(TimeSpan.FromDays(40));
        output.WriteLine($"the 40-day advance fired {advanced.GetProperty("timersFired").GetInt32()} timers in {advancing.Elapsed.TotalSeconds:0.0} s");
        var town = fixture.City("karamay");
        var overdue = 0;
        foreach (var caseId in load.Cases)
        {
            var timeline = await town.TimelineAsync(caseId, victim);
            MixedLoad.AssertNoTransitionTwice(caseId, timeline);
            if ((await town.CaseAsync(caseId, victim)).GetProperty("state").GetString() == "InReview")
            {
                Assert.Single(timeline, e => e.GetProperty("type").GetString() == "StepOverdue");
                overdue++;
            }
        }

        output.WriteLine($"kills={kills} cases={load.Cases.Count} uploads={load.Uploads.Count} decisions={load.Decided.Count} contracts={load.Contracts.Count} checked={checkedCases} overdue={overdue}");
        output.WriteLine(load.Report());
        Assert.True(kills >= 5);
        Assert.True(load.Cases.Count >= 5 && load.Decided.Count >= 1 && load.Contracts.Count >= 1, load.Report());
        victim.Dispose();
    }
}
