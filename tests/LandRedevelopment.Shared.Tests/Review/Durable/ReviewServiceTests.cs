using LandRedevelopment.Cases;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Tenants;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

/// <summary>The durable review on real Azurite: start, concurrent decisions, timers that fire once, cancelled timers.</summary>
[Collection(DurableStorageCollection.Name)]
public class ReviewServiceTests(AzuriteFixture azurite)
{
    private const string FirstStep = ReviewWorld.FirstStep;
    private const string SecondStep = "district-government-confirmation";
    private const string DistrictBureau = ReviewWorld.DistrictBureau;
    private const string DistrictGovernment = "district-government:" + ReviewWorld.District;

    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Evidence_complete_starts_the_review_with_the_first_steps_timers_and_mail_once()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var caseId = await world.NewReadyCaseAsync();
        Assert.Empty(await world.OutboxRowsAsync(caseId));

        var outcome = await world.Review.OnEvidenceCompleteAsync(ReviewWorld.TenantId, caseId, None);

        Assert.Equal(ReviewOutcomeKind.Applied, outcome.Kind);
        Assert.Equal(CaseState.InReview, outcome.Case!.State);
        var stored = (await world.Cases.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value.Case;
        Assert.Equal((CaseState.InReview, 4), (stored.State, stored.Version));
        var state = await world.StateAsync(caseId);
        Assert.Equal((ReviewPhase.InStep, FirstStep, 1, DistrictBureau), (state.Phase, state.StepId, state.Attempt, state.StepRole));
        Assert.True(state.StepRemindAt < state.StepDueAt);

        var events = await world.EventsAsync(caseId);
        Assert.Equal(["SurveySubmitted", "SurveyCompleted", "ReviewStarted", "StepEntered"], events.Select(e => e.Type));
        Assert.Equal([1, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.All(events.Skip(2), e => Assert.Equal(ReviewService.SystemActor, e.Actor));

        var timers = await world.Cases.GetTimerRowsAsync(ReviewWorld.TenantId, caseId, None);
        Assert.Equal(ReviewWorld.DesiredKeys(state), timers.Select(t => t.Key).Order(StringComparer.Ordinal));
        Assert.Equal([state.StepRemindAt!.Value, state.StepDueAt!.Value], timers.Select(t => t.DueAt).Order());
        Assert.Equal(2, timers.Count);
        Assert.Equal(ReviewWorld.DesiredKeys(state), await world.IndexedKeysAsync(caseId));
        Assert.Equal([("decision-request", world.Holding(DistrictBureau).Email, $"{FirstStep}#1")], world.MailsFor(caseId));
        Assert.Empty(await world.OutboxRowsAsync(caseId));

        // The signal again (queue redelivery): nothing changes, nothing is mailed twice.
        var again = await world.Review.OnEvidenceCompleteAsync(ReviewWorld.TenantId, caseId, None);

        Assert.Equal(ReviewOutcomeKind.Unchanged, again.Kind);
        Assert.Equal(4, (await world.EventsAsync(caseId)).Count);
        Assert.Single(world.MailsFor(caseId));
    }

    [Fact]
    public async Task Evidence_complete_screens_out_a_case_that_is_not_a_candidate()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var caseId = await world.NewReadyCaseAsync(isCandidate: false);

        var outcome = await world.Review.OnEvidenceCompleteAsync(ReviewWorld.TenantId, caseId, None);

        Assert.Equal((ReviewOutcomeKind.Applied, CaseState.ScreenedOut), (outcome.Kind, outcome.Case!.State));
        Assert.Equal("ScreenedOut", (await world.EventsAsync(caseId))[^1].Type);
        Assert.Empty(await world.TimerKeysAsync(caseId));
        Assert.Empty(world.MailsFor(caseId));
    }

    [Fact]
    public async Task Verifying_the_last_evidence_file_signals_the_review_through_the_outbox_and_the_signal_starts_it()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var signals = world.Storage.Base64Queues.GetQueueClient(CaseSignals.QueueName);
        await signals.CreateIfNotExistsAsync();
        await signals.ClearMessagesAsync();
        var caseId = AzuriteFixture.UniqueName("c");
        EvidenceFile Pending(string name) => new(name, new string('c', 64), 4096, "image/jpeg", EvidenceStatus.Pending, null, null, null);
        Assert.True(await world.Cases.CreateAsync(
            ReviewWorld.NewCase(caseId, CaseState.AwaitingEvidence, world.Clock.GetUtcNow(), version: 1), [Pending("north.jpg"), Pending("south.jpg")],
            [("SurveySubmitted", new { evidence = 2 })], ReviewWorld.Geometry, None));

        var one = await world.Cases.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "north.jpg", "blob/north.jpg", "0x1", None);

        Assert.Equal((CaseState.AwaitingEvidence, 2), (one.State, one.Version));
        Assert.Empty((await signals.PeekMessagesAsync(32)).Value);

        var all = await world.Cases.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "south.jpg", "blob/south.jpg", "0x2", None);
        var repeat = await world.Cases.RecordEvidenceVerifiedAsync(ReviewWorld.TenantId, caseId, "south.jpg", "blob/south.jpg", "0x2", None);

        Assert.Equal((CaseState.ReadyForReview, 4), (all.State, all.Version));
        Assert.Equal(4, repeat.Version);
        Assert.Equal(["SurveySubmitted", "EvidenceVerified", "EvidenceVerified", "SurveyCompleted"], (await world.EventsAsync(caseId)).Select(e => e.Type));
        Assert.Empty(await world.OutboxRowsAsync(caseId));
        var message = Assert.Single((await signals.PeekMessagesAsync(32)).Value);
        var signal = System.Text.Json.JsonSerializer.Deserialize<CaseSignal>(message.MessageText, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Equal(new CaseSignal(ReviewWorld.TenantId, caseId, CaseSignals.EvidenceCompleteKind, 4), signal);

        var started = await world.Review.OnEvidenceCompleteAsync(signal!.TenantId, signal.CaseId, None);

        Assert.Equal((ReviewOutcomeKind.Applied, CaseState.InReview), (started.Kind, started.Case!.State));
    }

    [Fact]
    public async Task Twenty_concurrent_approvals_of_one_step_apply_once_and_refuse_the_rest_as_already_decided()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var (caseId, first) = await world.StartedCaseAsync();
        var oldKeys = ReviewWorld.DesiredKeys(first);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => world.DecideAsync(caseId, FirstStep, 1, DistrictBureau, DecisionAction.Approve))));

        Assert.Single(outcomes, o => o.Kind == ReviewOutcomeKind.Applied);
        Assert.All(outcomes.Where(o => o.Kind != ReviewOutcomeKind.Applied), o =>
        {
            Assert.Equal(ReviewOutcomeKind.Refused, o.Kind);
            Assert.Equal(RejectionKind.AlreadyDecided, o.Rejection!.Kind);
            Assert.Equal((FirstStep, 1, DecisionAction.Approve), (o.Rejection.Existing!.StepId, o.Rejection.Existing.Attempt, o.Rejection.Existing.Action));
        });

        var events = await world.EventsAsync(caseId);
        Assert.Single(events, e => e.Type == "StepApproved");
        Assert.Equal(2, events.Count(e => e.Type == "StepEntered"));
        Assert.Equal([1, 2, 3, 4, 5, 6], events.Select(e => e.Sequence));
        var state = await world.StateAsync(caseId);
        Assert.Equal((ReviewPhase.InStep, SecondStep, 1), (state.Phase, state.StepId, state.Attempt));
        Assert.Equal(6, (await world.Cases.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value.Case.Version);

        // The decided step's timers were cancelled in the same transaction; the next step's are set.
        var keys = await world.TimerKeysAsync(caseId);
        Assert.Equal(ReviewWorld.DesiredKeys(state), keys);
        Assert.Empty(keys.Intersect(oldKeys));
        Assert.Single(world.MailsFor(caseId), m => m == ("decision-request", world.Holding(DistrictGovernment).Email, $"{SecondStep}#1"));
        Assert.Equal(2, world.MailsFor(caseId).Count);

        // Their queue messages and index rows may still fire later: they find no row and change nothing.
        world.Clock.Set(first.StepDueAt!.Value + TimeSpan.FromMinutes(1));
        foreach (var key in oldKeys)
        {
            var late = await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, key, None);
            Assert.Equal(ReviewOutcomeKind.Unchanged, late!.Kind);
        }

        Assert.Equal(6, (await world.EventsAsync(caseId)).Count);
    }

    [Fact]
    public async Task An_approval_of_the_last_step_that_loses_its_commit_to_a_return_leaves_no_notice_to_serve()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var caseId = await AtLastStepAsync(world);
        var officer = world.Holding(DistrictBureau);

        // The approval reads the case, then the step is returned and committed before the approval commits.
        var raced = false;
        var approval = await world.Review.ExecuteAsync(ReviewWorld.TenantId, caseId, _ =>
        {
            if (!raced)
            {
                raced = true;
                var returned = Task.Run(() => world.DecideAsync(caseId, LastStep, 1, DistrictBureau, DecisionAction.Return, "退回补正")).GetAwaiter().GetResult();
                Assert.Equal(ReviewOutcomeKind.Applied, returned.Kind);
            }

            return new Decide(LastStep, 1, officer.Id, officer.Roles, DecisionAction.Approve, "同意");
        }, "officer:" + officer.Id, null, None);

        Assert.Equal(ReviewOutcomeKind.Refused, approval.Kind);
        Assert.Equal(ReviewPhase.ReturnedForRework, (await world.StateAsync(caseId)).Phase);
        Assert.DoesNotContain(await world.EventsAsync(caseId), e => e.Type == "DeterminationIssued");
        Assert.Null(await world.Review.ReadNoticeAsync(ReviewWorld.TenantId, caseId, None));
        Assert.Empty(await NoticeBlobsAsync(world, caseId));
    }

    [Fact]
    public async Task Of_two_racing_approvals_of_the_last_step_the_notice_served_is_the_committed_ones()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var caseId = await AtLastStepAsync(world);
        var first = world.Holding(DistrictBureau);
        var second = new Officer("district-bureau-2", "示例官员（第二）", "district-bureau-2@karamay.example.test", [DistrictBureau]);
        await world.Tenants.UpsertOfficerAsync(ReviewWorld.TenantId, second);

        var raced = false;
        var losing = await world.Review.ExecuteAsync(ReviewWorld.TenantId, caseId, _ =>
        {
            if (!raced)
            {
                raced = true;
                var won = Task.Run(() => world.Review.ExecuteAsync(ReviewWorld.TenantId, caseId,
                    _ => new Decide(LastStep, 1, second.Id, second.Roles, DecisionAction.Approve, "第二位同意"), "officer:" + second.Id, null, None)).GetAwaiter().GetResult();
                Assert.Equal(ReviewOutcomeKind.Applied, won.Kind);
            }

            return new Decide(LastStep, 1, first.Id, first.Roles, DecisionAction.Approve, "第一位同意");
        }, "officer:" + first.Id, null, None);

        Assert.Equal(ReviewOutcomeKind.Refused, losing.Kind);
        Assert.Equal(RejectionKind.AlreadyDecided, losing.Rejection!.Kind);
        var issued = Assert.Single(await world.EventsAsync(caseId), e => e.Type == "DeterminationIssued");
        var html = await world.Review.ReadNoticeAsync(ReviewWorld.TenantId, caseId, None);
        Assert.NotNull(html);
        Assert.Contains("第二位同意", html);
        Assert.DoesNotContain("第一位同意", html);
        Assert.Equal([issued.Data.GetProperty(ReviewService.NoticeProperty).GetString()!], await NoticeBlobsAsync(world, caseId));
    }

    private const string LastStep = "district-determination";

    /// <summary>A karamay case whose first three steps are approved: its last step (the district bureau's) is open.</summary>
    private static async Task<string> AtLastStepAsync(ReviewWorld world)
    {
        // A case whose screening met a criterion, as a determination must cite one.
        var caseId = AzuriteFixture.UniqueName("c");
        var screening = System.Text.Json.JsonDocument.Parse("""
            {"result":{"criteria":[{"id":"art4-2-idle-or-stopped","description":"闲置满一年","source":"克拉玛依 art. 4(2)","explanation":"idle","met":true}]}}
            """).RootElement.Clone();
        Assert.True(await world.Cases.CreateAsync(
            ReviewWorld.NewCase(caseId, CaseState.ReadyForReview, world.Clock.GetUtcNow()) with { Screening = screening }, [],
            [("SurveySubmitted", new { submissionId = "sub-" + caseId }), ("SurveyCompleted", new { evidence = 0 })], ReviewWorld.Geometry, None));
        Assert.Equal(ReviewOutcomeKind.Applied, (await world.Review.OnEvidenceCompleteAsync(ReviewWorld.TenantId, caseId, None)).Kind);
        foreach (var (step, role) in new[] { (FirstStep, DistrictBureau), (SecondStep, DistrictGovernment), ("city-bureau-review", "city-bureau") })
        {
            Assert.Equal(ReviewOutcomeKind.Applied, (await world.DecideAsync(caseId, step, 1, role, DecisionAction.Approve)).Kind);
        }

        Assert.Equal((ReviewPhase.InStep, LastStep), ((await world.StateAsync(caseId)).Phase, (await world.StateAsync(caseId)).StepId));
        return caseId;
    }

    private static async Task<List<string>> NoticeBlobsAsync(ReviewWorld world, string caseId)
    {
        var names = new List<string>();
        await foreach (var blob in world.Cases.Container(ReviewWorld.TenantId).GetBlobsAsync($"cases/{caseId}/determination-notice", cancellationToken: None))
        {
            names.Add(blob.Name!);
        }

        return names;
    }

    [Fact]
    public async Task A_timer_fires_once_when_due_and_not_before()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var (caseId, state) = await world.StartedCaseAsync();
        var timers = ReviewTimers.Desired(state).OrderBy(t => t.DueAt).ToList();
        var (remind, due) = (timers[0].Key, timers[1].Key);
        Assert.IsType<ReminderDue>(ReviewTimers.CommandFor(remind));
        Assert.IsType<StepDeadlinePassed>(ReviewTimers.CommandFor(due));

        Assert.Null(await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None));
        world.Clock.Set(state.StepRemindAt!.Value - TimeSpan.FromSeconds(1));
        Assert.Null(await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None));

        world.Clock.Set(state.StepRemindAt!.Value + TimeSpan.FromMinutes(1));
        var reminded = await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None);
        var remindedAgain = await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None);

        Assert.Equal(ReviewOutcomeKind.Applied, reminded!.Kind);
        Assert.IsType<ReminderRaised>(Assert.Single(reminded.Events));
        Assert.Equal(ReviewOutcomeKind.Unchanged, remindedAgain!.Kind);
        Assert.Equal([due], await world.TimerKeysAsync(caseId));
        Assert.Null(await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, due, None));

        // The deadline, fired by ten deliveries at once (a queue message and sweeps racing): applied once.
        world.Clock.Set(state.StepDueAt!.Value + TimeSpan.FromMinutes(1));
        var overdue = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, due, None))));

        Assert.Single(overdue, o => o!.Kind == ReviewOutcomeKind.Applied);
        Assert.All(overdue, o => Assert.Contains(o!.Kind, new[] { ReviewOutcomeKind.Applied, ReviewOutcomeKind.Unchanged }));
        // What stays is the overdue step's first weekly reminder.
        Assert.Equal(new OverdueReminderDue(ReviewWorld.FirstStep, 1, 1), ReviewTimers.CommandFor(Assert.Single(await world.TimerKeysAsync(caseId))));
        var fired = (await world.EventsAsync(caseId)).Where(e => e.Actor == ReviewService.TimerActor).Select(e => e.Type);
        Assert.Equal(["ReminderRaised", "StepOverdue"], fired);
        Assert.Equal(
            [("reminder", DistrictBureau), ("overdue", DistrictBureau), ("escalation", "city-bureau")],
            world.MailsFor(caseId).Skip(1).Select(m => (m.Kind, world.Officers.Single(o => o.Email == m.To).Roles.Single())));
        Assert.Equal(ReviewOutcomeKind.Unchanged, (await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, "timer-no-such-kind", None))!.Kind);
    }

    [Fact]
    public async Task A_timer_of_a_case_row_that_does_not_list_its_timers_fires_by_its_timer_row()
    {
        var world = await ReviewWorld.CreateAsync(azurite);
        var (caseId, state) = await world.StartedCaseAsync();
        var remind = ReviewTimers.Desired(state).OrderBy(t => t.DueAt).First().Key;

        // A case row stored before rows listed their timers.
        var table = world.Storage.Tables.GetTableClient("cases");
        var row = (await table.GetEntityAsync(CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), "case")).Value;
        Assert.True(row.Remove("Timers"));
        await table.UpdateEntityAsync(row, row.ETag, LandRedevelopment.Storage.Tables.TableUpdateMode.Replace);

        world.Clock.Set(state.StepRemindAt!.Value - TimeSpan.FromSeconds(1));
        Assert.Null(await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None));

        world.Clock.Set(state.StepRemindAt!.Value + TimeSpan.FromMinutes(1));
        var reminded = await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None);
        Assert.Equal(ReviewOutcomeKind.Applied, reminded!.Kind);
        Assert.IsType<ReminderRaised>(Assert.Single(reminded.Events));

        // That commit listed the timers on the row again; firing again changes nothing.
        Assert.NotNull((await world.Cases.GetAsync(ReviewWorld.TenantId, caseId, None))!.Value.Case.Timers);
        Assert.Equal(ReviewOutcomeKind.Unchanged, (await world.Review.FireTimerAsync(ReviewWorld.TenantId, caseId, remind, None))!.Kind);
        Assert.Single(await world.EventsAsync(caseId), e => e.Type == "ReminderRaised");
    }
}
