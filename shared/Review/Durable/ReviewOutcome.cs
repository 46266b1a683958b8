using LandRedevelopment.Cases;
using LandRedevelopment.Review.Workflow;

namespace LandRedevelopment.Review.Durable;

/// <summary>How a command to a case's review went.</summary>
public enum ReviewOutcomeKind
{
    /// <summary>Committed: events appended (or timers settled).</summary>
    Applied,

    /// <summary>Accepted and nothing changed (a repeated command or a cancelled timer).</summary>
    Unchanged,

    /// <summary>Refused by the review; see <see cref="ReviewOutcome.Rejection"/>.</summary>
    Refused,

    /// <summary>No such case.</summary>
    NotFound,
}

/// <summary>The outcome of <see cref="ReviewService.ExecuteAsync"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Case">The case after (or, when refused, as read).</param>
/// <param name="State">Its review state after.</param>
/// <param name="Events">The events appended.</param>
/// <param name="Rejection">Why it was refused.</param>
public sealed record ReviewOutcome(ReviewOutcomeKind Kind, ParcelCase? Case, ReviewState State, IReadOnlyList<ReviewEvent> Events, DecisionRejection? Rejection = null)
{
    internal static ReviewOutcome NotFound { get; } = new(ReviewOutcomeKind.NotFound, null, ReviewState.Initial, []);
}

/// <summary>What else a command writes with its events, in the same transaction.</summary>
public sealed record CaseAmendment
{
    /// <summary>Changes to the case row besides the review's (e.g. a resubmission no longer pending).</summary>
    public Func<ParcelCase, ParcelCase>? UpdateCase { get; init; }

    /// <summary>Evidence rows to declare (plan documents, resubmitted evidence).</summary>
    public IReadOnlyList<EvidenceFile> AddEvidence { get; init; } = [];

    /// <summary>Events to append before the review's.</summary>
    public IReadOnlyList<NewCaseEvent> Events { get; init; } = [];
}

/// <summary>A case as a command sees it: the case row, its review, and the context of the decision.</summary>
public sealed record LoadedCase(ParcelCase Case, ReviewState State, ReviewContext Context, LandRedevelopment.Tenants.Tenant Tenant);
