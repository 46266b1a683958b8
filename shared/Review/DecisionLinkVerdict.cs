using System.Diagnostics.CodeAnalysis;

namespace LandRedevelopment.Review;

/// <summary>Why a decision link was accepted or refused.</summary>
public enum DecisionLinkVerdictKind
{
    /// <summary>Authentic, for the expected tenant, not yet expired. Single use is still for storage to enforce.</summary>
    Valid,
    /// <summary>Not a token of ours at all: wrong shape, version, encoding, size or payload.</summary>
    Malformed,
    /// <summary>Signed with a key id the tenant never had (or that has since been deleted).</summary>
    UnknownKey,
    /// <summary>Signed with a key the tenant had but which has retired: its rotation overlap is over.</summary>
    RetiredKey,
    /// <summary>The MAC does not match: tampered, truncated, or signed by someone else.</summary>
    BadSignature,
    /// <summary>Authentic but past its expiry.</summary>
    Expired,
    /// <summary>Authentic but minted for another tenant.</summary>
    WrongTenant,
}

/// <summary>
/// The outcome of <see cref="DecisionLinkSigner.Verify"/>. <see cref="Claims"/> is set only when the claims are
/// authentic and the tenant's own: for <see cref="DecisionLinkVerdictKind.Valid"/>, and for
/// <see cref="DecisionLinkVerdictKind.Expired"/> so the confirmation page can say which case to ask a new link for.
/// </summary>
public sealed record DecisionLinkVerdict(DecisionLinkVerdictKind Kind, DecisionClaims? Claims)
{
    /// <summary>Whether the link may go on to the confirmation page / single-use check.</summary>
    [MemberNotNullWhen(true, nameof(Claims))]
    public bool IsValid => Kind == DecisionLinkVerdictKind.Valid && Claims is not null;

    internal static DecisionLinkVerdict Valid(DecisionClaims claims) => new(DecisionLinkVerdictKind.Valid, claims);
    internal static DecisionLinkVerdict Expired(DecisionClaims claims) => new(DecisionLinkVerdictKind.Expired, claims);
    internal static readonly DecisionLinkVerdict Malformed = new(DecisionLinkVerdictKind.Malformed, null);
    internal static readonly DecisionLinkVerdict UnknownKey = new(DecisionLinkVerdictKind.UnknownKey, null);
    internal static readonly DecisionLinkVerdict RetiredKey = new(DecisionLinkVerdictKind.RetiredKey, null);
    internal static readonly DecisionLinkVerdict BadSignature = new(DecisionLinkVerdictKind.BadSignature, null);
    internal static readonly DecisionLinkVerdict WrongTenant = new(DecisionLinkVerdictKind.WrongTenant, null);
}
