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
public sealed record CaseEvent(int Sequence, string Type, DateTimeOffset At, JsonElement Data);

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
    public IReadOnlyList<string> OverlappingCases { get; init; } = [];

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
}
