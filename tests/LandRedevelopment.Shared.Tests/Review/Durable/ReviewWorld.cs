using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Outbox;
using LandRedevelopment.Policies;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Screening;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Tenants;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Review.Durable;

/// <summary>
/// The review as the app wires it, on real Azurite: a tenant onboarded with the karamay seed policy and one officer per
/// role, the case store, the outbox relay (mail recorded), durable timers on a fresh index table, the service and the
/// sweeper — all on one hand-moved clock.
/// </summary>
internal sealed class ReviewWorld
{
    public const string TenantId = "karamay";
    public const string District = "克拉玛依区";

    /// <summary>The first step of karamay's determination chain and the role that decides it.</summary>
    public const string FirstStep = "district-investigation";

    public const string DistrictBureau = "district-bureau:" + District;

    private ReviewWorld(DurableStorage storage, TestClock clock, TenantDirectory tenants, TimerIndex timers, IReadOnlyList<Officer> officers)
    {
        Storage = storage;
        Clock = clock;
        Tenants = tenants;
        Timers = timers;
        Officers = officers;
        Relay = new OutboxRelay(storage.Tables.GetTableClient("cases"), storage.Base64Queues, timers, Mail, clock,
            new OutboxMarks(storage.Tables.GetTableClient(OutboxMarks.TableName), clock));
        Cases = new CaseStore(storage.Tables, storage.Blobs, clock, Relay);
        Review = new ReviewService(Cases, tenants, new ReviewOptions(), clock, Relay);
        Sweeper = new ReviewSweeper(timers, Review, Relay, clock);
    }

    /// <summary>Monday 2 March 2026, 09:00 in Karamay (China Standard Time).</summary>
    public static DateTimeOffset Start { get; } = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    public DurableStorage Storage { get; }

    public TestClock Clock { get; }

    public TenantDirectory Tenants { get; }

    public TimerIndex Timers { get; }

    public IReadOnlyList<Officer> Officers { get; }

    public RecordingMailSender Mail { get; } = new();

    public OutboxRelay Relay { get; }

    public CaseStore Cases { get; }

    public ReviewService Review { get; }

    public ReviewSweeper Sweeper { get; }

    public static async Task<ReviewWorld> CreateAsync(AzuriteFixture azurite)
    {
        var storage = new DurableStorage(azurite);
        var clock = new TestClock(Start);
        var tenants = new TenantDirectory(await storage.NewTableAsync("tenants"), clock);
        await tenants.EnsureCreatedAsync();
        var seed = SeedPolicies.Get(TenantId);
        await tenants.CreateAsync(seed.TenantId, seed.DisplayName, seed.TimeZone, seed.Json);
        var officers = SampleOfficers(seed.Policy);
        foreach (var officer in officers)
        {
            await tenants.UpsertOfficerAsync(TenantId, officer);
        }

        var world = new ReviewWorld(storage, clock, tenants, await storage.NewTimerIndexAsync(clock), officers);
        await world.Cases.EnsureCreatedAsync();
        return world;
    }

    /// <summary>One officer per role the policy names, district roles in <see cref="District"/> (as the built-in tenant seeder does).</summary>
    public static IReadOnlyList<Officer> SampleOfficers(PolicyDocument policy) =>
        policy.Review.DeterminationChains.Concat(policy.Review.PlanChains).SelectMany(c => c.Steps).Select(s => s.Role)
            .Append(policy.Review.Escalation.NotifyRole)
            .Select(r => RoleResolver.Resolve(r, District))
            .Distinct(StringComparer.Ordinal)
            .Select(role => new Officer(role.Split(':')[0], $"示例官员（{role}）", $"{role.Split(':')[0]}@{TenantId}.example.test", [role]))
            .ToList();

    /// <summary>The officer holding <paramref name="role"/>.</summary>
    public Officer Holding(string role) => Officers.Single(o => o.Roles.Contains(role));

    /// <summary>A new case as a survey without declared evidence writes it.</summary>
    public static ParcelCase NewCase(string caseId, CaseState state, DateTimeOffset at, bool isCandidate = true, int version = 2) => new()
    {
        TenantId = TenantId,
        CaseId = caseId,
        State = state,
        PolicyVersion = 1,
        SubmissionId = "sub-" + caseId,
        LandCode = "KLMY-" + caseId,
        District = District,
        LandUse = "industrial",
        SurveyedOn = new DateOnly(2026, 2, 20),
        Surveyor = "field-team-1",
        AreaM2 = 12_345.6m,
        AreaMu = 18.52m,
        GaussKrugerZone = 15,
        Attributes = JsonDocument.Parse("{}").RootElement.Clone(),
        Screening = JsonDocument.Parse("{}").RootElement.Clone(),
        IsCandidate = isCandidate,
        Outcome = isCandidate ? "candidate" : "notCandidate",
        DeterminationChain = isCandidate ? "standard" : null,
        Version = version,
        CreatedAt = at,
        UpdatedAt = at,
    };

    public const string Geometry = """{"type":"Polygon","coordinates":[[[84.87,45.59],[84.88,45.59],[84.88,45.60],[84.87,45.59]]]}""";

    /// <summary>A candidate case ready for review, created through the store (its evidence-complete signal relayed).</summary>
    public async Task<string> NewReadyCaseAsync(bool isCandidate = true)
    {
        var caseId = AzuriteFixture.UniqueName("c");
        var created = await Cases.CreateAsync(
            NewCase(caseId, CaseState.ReadyForReview, Clock.GetUtcNow(), isCandidate), [],
            [("SurveySubmitted", new { submissionId = "sub-" + caseId }), ("SurveyCompleted", new { evidence = 0 })], Geometry, CancellationToken.None);
        Assert.True(created);
        return caseId;
    }

    /// <summary>A case in review at its first step.</summary>
    public async Task<(string CaseId, ReviewState State)> StartedCaseAsync()
    {
        var caseId = await NewReadyCaseAsync();
        var started = await Review.OnEvidenceCompleteAsync(TenantId, caseId, CancellationToken.None);
        Assert.Equal(ReviewOutcomeKind.Applied, started.Kind);
        return (caseId, started.State);
    }

    public async Task<ReviewState> StateAsync(string caseId) => (await Review.LoadAsync(TenantId, caseId, CancellationToken.None))!.State;

    public Task<IReadOnlyList<CaseEvent>> EventsAsync(string caseId) => Cases.GetEventsAsync(TenantId, caseId, CancellationToken.None);

    /// <summary>The case's timer rows; the case row's own list of its timers must say the same, due times included.</summary>
    public async Task<List<string>> TimerKeysAsync(string caseId)
    {
        var rows = (await Cases.GetTimerRowsAsync(TenantId, caseId, CancellationToken.None)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var kept = (await Cases.GetAsync(TenantId, caseId, CancellationToken.None))!.Value.Case.Timers;
        Assert.NotNull(kept);
        Assert.Equal(rows.Select(t => (t.Key, t.DueAt)), kept.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)));
        return rows.Select(t => t.Key).ToList();
    }

    public static List<string> DesiredKeys(ReviewState state) => ReviewTimers.Desired(state).Select(t => t.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>The timer keys the due-date index holds for a case.</summary>
    public async Task<List<string>> IndexedKeysAsync(string caseId) =>
        (await DurableStorage.IndexedAsync(Timers)).Where(t => t.CaseId == caseId).Select(t => t.TimerKey).Order(StringComparer.Ordinal).ToList();

    public async Task<List<string>> OutboxRowsAsync(string caseId) =>
        (await DurableStorage.RowsAsync(Storage.Tables.GetTableClient("cases"), CaseStore.PartitionOf(TenantId, caseId), OutboxMessage.RowPrefix)).Select(r => r.RowKey!).ToList();

    /// <summary>The mails recorded for a case, by review kind.</summary>
    public List<(string Kind, string To, string? Step)> MailsFor(string caseId) =>
        Mail.Sent.Where(m => m.Headers.TryGetValue("X-Case-Id", out var id) && id == caseId)
            .Select(m => (m.Headers!["X-Review-Kind"], m.To.Single().Address, m.Headers.TryGetValue("X-Review-Step", out var step) ? step : null))
            .ToList();

    /// <summary>An officer's decision on a fixed step visit, whatever the case's state is by the time it runs.</summary>
    public Task<ReviewOutcome> DecideAsync(string caseId, string stepId, int attempt, string role, DecisionAction action, string? comment = null)
    {
        var officer = Holding(role);
        return Review.ExecuteAsync(TenantId, caseId, _ => new Decide(stepId, attempt, officer.Id, officer.Roles, action, comment),
            "officer:" + officer.Id, null, CancellationToken.None);
    }
}
