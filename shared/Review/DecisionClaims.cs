using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Review;

/// <summary>What a review officer may do to a step from an e-mailed link.</summary>
public enum DecisionAction
{
    /// <summary>Approve the step; wire form <c>approve</c>.</summary>
    Approve,
    /// <summary>Send the case back for rework; wire form <c>return</c>.</summary>
    Return,
    /// <summary>Reject the case; wire form <c>reject</c>.</summary>
    Reject,
}

/// <summary>Wire names of <see cref="DecisionAction"/>, which are part of the signed token and so must never change.</summary>
public static class DecisionActions
{
    /// <summary>The lowercase wire name of <paramref name="action"/>.</summary>
    public static string ToWire(this DecisionAction action) => action switch
    {
        DecisionAction.Approve => "approve",
        DecisionAction.Return => "return",
        DecisionAction.Reject => "reject",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown decision action."),
    };

    /// <summary>Parses a wire name exactly (case-sensitive: a token is never hand-typed).</summary>
    public static bool TryParseWire(string? wire, out DecisionAction action)
    {
        switch (wire)
        {
            case "approve": action = DecisionAction.Approve; return true;
            case "return": action = DecisionAction.Return; return true;
            case "reject": action = DecisionAction.Reject; return true;
            default: action = default; return false;
        }
    }
}

/// <summary>
/// Everything a decision link is bound to. All of it is inside the MAC, so none of it can be swapped after mailing.
/// Times travel as whole Unix seconds: use <see cref="Issue"/> or pass whole-second times, or
/// <see cref="DecisionLinkSigner.Create"/> refuses rather than silently rounding.
/// </summary>
/// <param name="TenantId">The city the case belongs to.</param>
/// <param name="CaseId">The redevelopment case.</param>
/// <param name="StepId">The review step the link decides.</param>
/// <param name="StepAttempt">The step's visit number (1-based): after a return for rework the step is visited again
/// with a higher attempt, so a link mailed for the earlier visit cannot decide the later one.</param>
/// <param name="OfficerId">The officer the link was mailed to; only that officer's decision is recorded.</param>
/// <param name="Action">The one action this link performs.</param>
/// <param name="IssuedAt">When the link was minted.</param>
/// <param name="ExpiresAt">The first instant at which the link no longer works.</param>
/// <param name="Nonce">Random 128 bits, base64url without padding (22 characters); storage records it to make the link single-use.</param>
/// <param name="Mailbox">The <see cref="MailboxTag"/> of the address the link was mailed to, so that it stops working when
/// the officer's address changes even within the second it was mailed; null only in links minted before links carried it.</param>
public sealed record DecisionClaims(
    string TenantId,
    string CaseId,
    string StepId,
    int StepAttempt,
    string OfficerId,
    DecisionAction Action,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string Nonce,
    string? Mailbox = null)
{
    /// <summary>Length of a nonce: 16 bytes in unpadded base64url.</summary>
    public const int NonceLength = 22;

    /// <summary>Length of a <see cref="MailboxTag"/>: 8 bytes in unpadded base64url.</summary>
    public const int MailboxTagLength = 11;

    /// <summary>
    /// What a link keeps of the address it was mailed to: the first 8 bytes of the SHA-256 of the address as compared
    /// elsewhere (trimmed, case-insensitive), in unpadded base64url. Enough to tell one officer's addresses apart; the
    /// address itself is not in the link.
    /// </summary>
    public static string MailboxTag(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToUpperInvariant()));
        return Base64Url.EncodeToString(hash.AsSpan(0, 8));
    }

    /// <summary>
    /// Whether the link was mailed to <paramref name="officer"/>'s present address: it names that address (links minted
    /// before links named one are judged by time alone), and it was issued no earlier than the address became the
    /// officer's (<see cref="Officer.EmailSince"/>).
    /// </summary>
    public bool WasMailedToPresentAddressOf(Officer officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (Mailbox is not null && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mailbox), Encoding.ASCII.GetBytes(MailboxTag(officer.Email))))
        {
            return false;
        }

        return officer.EmailSince is not { } since || IssuedAt >= since;
    }

    /// <summary>A fresh random 128-bit nonce in unpadded base64url.</summary>
    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Claims for a new link valid from <paramref name="now"/> (truncated to whole seconds) for <paramref name="lifetime"/>,
    /// with a fresh nonce, for the mailbox <paramref name="email"/> (null: a link not bound to a mailbox).
    /// </summary>
    public static DecisionClaims Issue(
        string tenantId, string caseId, string stepId, int stepAttempt, string officerId, DecisionAction action,
        DateTimeOffset now, TimeSpan lifetime, string? email = null)
    {
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A link must live for some time.");
        // Round down to the second the wire carries, so what is signed is exactly what Verify hands back.
        var issued = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        if (expires <= issued) expires = issued.AddSeconds(1);
        return new DecisionClaims(tenantId, caseId, stepId, stepAttempt, officerId, action, issued, expires, NewNonce(),
            email is null ? null : MailboxTag(email));
    }

    /// <summary>Whether <paramref name="tag"/> is shaped like a <see cref="MailboxTag"/> (8 bytes in canonical unpadded base64url).</summary>
    public static bool IsWellFormedMailboxTag(string? tag)
    {
        if (tag is null || tag.Length != MailboxTagLength || !tag.All(DecisionLinkSigner.IsBase64UrlChar)) return false;
        // Eight bytes leave two unused low bits in the last character; only the spelling with them clear is canonical.
        return "AEIMQUYcgkosw048".Contains(tag[^1], StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="nonce"/> is 16 bytes in canonical unpadded base64url.</summary>
    public static bool IsWellFormedNonce(string? nonce)
    {
        if (nonce is null || nonce.Length != NonceLength) return false;
        Span<byte> bytes = stackalloc byte[18];
        foreach (var c in nonce)
            if (!DecisionLinkSigner.IsBase64UrlChar(c)) return false;
        if (!Base64Url.TryDecodeFromChars(nonce, bytes, out var written) || written != 16) return false;
        // Re-encode: two strings differing only in the unused low bits of the last character decode alike,
        // and the nonce is a storage key, so only the canonical spelling is accepted.
        Span<char> again = stackalloc char[NonceLength];
        return Base64Url.TryEncodeToChars(bytes[..16], again, out var chars) && chars == NonceLength && again.SequenceEqual(nonce);
    }
}
