using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Cases;

/// <summary>Where a parcel case stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseState>))]
public enum CaseState
{
    /// <summary>The survey is in; declared evidence files are still missing or unverified.</summary>
    AwaitingEvidence,

    /// <summary>The survey and all its evidence are in and verified: the review can start.</summary>
    ReadyForReview,

    /// <summary>The screening found no low-efficiency criterion met (or an exemption, exclusion or failed precondition): no review.</summary>
    ScreenedOut,

    /// <summary>At a step of the determination review.</summary>
    InReview,

    /// <summary>Returned to the field team (or the land user) for more evidence; resumes at the step that returned it.</summary>
    ReturnedForRework,

    /// <summary>Determined not to be low-efficiency land: closed.</summary>
    Rejected,

    /// <summary>The determination is issued and waits to be served in writing.</summary>
    DeterminationIssued,

    /// <summary>The determination was served; the plan deadline runs.</summary>
    DeterminationServed,

    /// <summary>The land user's redevelopment plan is under review.</summary>
    PlanInReview,

    /// <summary>The plan was approved: the redevelopment track (transition period running where the policy has one).</summary>
    Redevelopment,

    /// <summary>The transition period ran out.</summary>
    TransitionOver,

    /// <summary>No plan by the deadline: the reclamation track.</summary>
    Reclamation,
}

/// <summary>The status of one declared evidence file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EvidenceStatus>))]
public enum EvidenceStatus
{
    Pending,
    Verified,
}

/// <summary>An evidence file the survey declared, and what is known of it.</summary>
public sealed record EvidenceFile(
    string Name,
    string Sha256,
    long Size,
    string ContentType,
    EvidenceStatus Status,
    string? BlobName,
    string? ETag,
    DateTimeOffset? VerifiedAt);

/// <summary>An entry of a case's audit trail.</summary>
/// <param name="Sequence">The event's number in the case, from 1.</param>
/// <param name="Type">What happened, e.g. SurveySubmitted or StepApproved.</param>
/// <param name="At">When.</param>
/// <param name="Data">The event's facts.</param>
/// <param name="Actor">Who caused it: <c>officer:{id}</c>, <c>api-key:{prefix}</c>, <c>field</c> or <c>timer</c>.</param>
public sealed record CaseEvent(int Sequence, string Type, DateTimeOffset At, JsonElement Data, string? Actor = null);

/// <summary>A parcel case as stored: the survey, the computed areas, the screening and the state.</summary>
public sealed record ParcelCase
{
    public required string TenantId { get; init; }
    public required string CaseId { get; init; }
    public required CaseState State { get; init; }
    public required int PolicyVersion { get; init; }
    public required string SubmissionId { get; init; }
    public required string LandCode { get; init; }
    public required string District { get; init; }
    public string? Zone { get; init; }
    public required string LandUse { get; init; }
    public required DateOnly SurveyedOn { get; init; }
    public required string Surveyor { get; init; }
    public decimal? DeclaredAreaM2 { get; init; }
    public required decimal AreaM2 { get; init; }
    public required decimal AreaMu { get; init; }
    public required int GaussKrugerZone { get; init; }
    /// <summary>Cases of the tenant the parcel overlaps, the largest overlaps first, at most <see cref="CaseLimits.MaxOverlappingCases"/>.</summary>
    public IReadOnlyList<string> OverlappingCases { get; init; } = [];

    /// <summary>How many further overlapping cases <see cref="OverlappingCases"/> leaves out.</summary>
    public int OverlappingCasesNotListed { get; init; }

    /// <summary>The survey's attributes as submitted.</summary>
    public required JsonElement Attributes { get; init; }

    /// <summary>The screening result as computed at submission.</summary>
    public required JsonElement Screening { get; init; }

    public required bool IsCandidate { get; init; }
    public required string Outcome { get; init; }

    /// <summary>Count of events: the case's version, bumped by every transition.</summary>
    public required int Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The determination chain the policy selects for the parcel (candidates only), chosen with the screening.</summary>
    public string? DeterminationChain { get; init; }

    /// <summary>The review's state as JSON (see <c>ReviewStateJson</c>), or null before the review starts.</summary>
    public string? Review { get; init; }

    /// <summary>The land-price contract, its payment schedule and the money received, as JSON (see <c>PaymentState</c>), or null.</summary>
    public string? Payments { get; init; }

    /// <summary>A resubmission after a return for rework waits for its evidence; the review resumes when it is all verified.</summary>
    public bool ResubmissionPending { get; init; }

    /// <summary>
    /// The case's durable timers (row key → due time), kept on the case row by every commit so a transition knows
    /// them without a query; null on rows stored before the case row kept them (their timer rows are then listed).
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset>? Timers { get; init; }

    /// <summary>
    /// How many evidence files the case declares and how many of them are verified, kept on the case row so recording a
    /// verification needs no query; null on rows stored before the case row kept them (their evidence rows are then listed).
    /// </summary>
    public EvidenceTally? Evidence { get; init; }
}

/// <summary>How many evidence files a case declares, and how many of them are verified.</summary>
public sealed record EvidenceTally(int Declared, int Verified)
{
    /// <summary>The tally of a list of files.</summary>
    public static EvidenceTally Of(IEnumerable<EvidenceFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var list = files.ToList();
        return new EvidenceTally(list.Count, list.Count(f => f.Status == EvidenceStatus.Verified));
    }

    /// <summary>This tally with <paramref name="files"/> declared as well.</summary>
    public EvidenceTally Plus(IEnumerable<EvidenceFile> files)
    {
        var more = Of(files);
        return new EvidenceTally(Declared + more.Declared, Verified + more.Verified);
    }
}

/// <summary>A durable timer row of a case: <see cref="Key"/> names what fires (e.g. <c>timer-due-{step}-{attempt}</c>).</summary>
public sealed record CaseTimer(string Key, DateTimeOffset DueAt)
{
    /// <summary>The row's version, to cancel it only as read.</summary>
    public Azure.ETag ETag { get; init; }

    /// <summary>
    /// What makes a part's timer rows (<paramref name="existing"/>) match what its state wants (<paramref name="desired"/>):
    /// rows to add, rows to delete, and rows whose key stays but whose time changed (each with the ETag it was read with).
    /// </summary>
    public static (IReadOnlyList<CaseTimer> Set, IReadOnlyList<CaseTimer> Cancel, IReadOnlyList<CaseTimer> Move) Changes(
        IReadOnlyList<CaseTimer> existing, IReadOnlyList<CaseTimer> desired)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(desired);
        var set = desired.Where(d => existing.All(t => t.Key != d.Key)).ToList();
        var cancel = existing.Where(t => desired.All(d => d.Key != t.Key)).ToList();
        var move = desired.Select(d => (Wanted: d, Row: existing.FirstOrDefault(t => t.Key == d.Key)))
            .Where(p => p.Row is not null && p.Row.DueAt != p.Wanted.DueAt).Select(p => p.Wanted with { ETag = p.Row!.ETag }).ToList();
        return (set, cancel, move);
    }
}

/// <summary>An event to append, with who caused it.</summary>
public sealed record NewCaseEvent(string Type, string? Actor, object Data);

/// <summary>Everything one transition of a case writes, committed together by <c>CaseStore.CommitAsync</c>.</summary>
/// <param name="Updated">The case row after the transition; its <c>Version</c> counts the new events.</param>
/// <param name="ETag">The case row's version as read: the transaction fails if another transition committed since.</param>
public sealed record CaseTransition(ParcelCase Updated, Azure.ETag ETag)
{
    public IReadOnlyList<NewCaseEvent> Events { get; init; } = [];
    public IReadOnlyList<LandRedevelopment.Outbox.OutboxMessage> Outbox { get; init; } = [];
    public IReadOnlyList<EvidenceFile> AddEvidence { get; init; } = [];
    public IReadOnlyList<CaseTimer> SetTimers { get; init; } = [];
    public IReadOnlyList<CaseTimer> CancelTimers { get; init; } = [];

    /// <summary>
    /// Timers set before that fall due at another time now (a deadline the holiday calendar moved): each row is replaced
    /// under the ETag it was read with. The index row of the earlier time stays until it comes up, and is then dropped
    /// as stale (the case lists the timer later than it says).
    /// </summary>
    public IReadOnlyList<CaseTimer> MoveTimers { get; init; } = [];
}

/// <summary>Messages the case store sends the review through the outbox (queue <see cref="QueueName"/>).</summary>
public static class CaseSignals
{
    /// <summary>The queue of case signals.</summary>
    public const string QueueName = "case-signals";

    /// <summary>All declared evidence is verified: the review starts, or resumes after a resubmission.</summary>
    public const string EvidenceCompleteKind = "evidence-complete";

    /// <summary>The outbox row that signals <see cref="EvidenceCompleteKind"/> for <paramref name="parcelCase"/>.</summary>
    public static LandRedevelopment.Outbox.OutboxMessage EvidenceComplete(ParcelCase parcelCase)
    {
        ArgumentNullException.ThrowIfNull(parcelCase);
        return LandRedevelopment.Outbox.OutboxMessage.Queue(QueueName, new CaseSignal(parcelCase.TenantId, parcelCase.CaseId, EvidenceCompleteKind, parcelCase.Version));
    }
}

/// <summary>A case signal on the queue.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="CaseId">The case.</param>
/// <param name="Kind">What happened, e.g. <see cref="CaseSignals.EvidenceCompleteKind"/>.</param>
/// <param name="Version">The case's version when it was sent, for logs.</param>
public sealed record CaseSignal(string TenantId, string CaseId, string Kind, int Version);
