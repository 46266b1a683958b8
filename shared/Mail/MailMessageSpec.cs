using System.Security.Cryptography;
using System.Text;

namespace LandRedevelopment.Mail;

/// <summary>A mailbox: an address and, optionally, the name shown beside it (Chinese is fine).</summary>
/// <param name="Address">The e-mail address, e.g. <c>officer@example.gov.cn</c>.</param>
/// <param name="DisplayName">The name shown to the reader, or <see langword="null"/>.</param>
public sealed record Mailbox(string Address, string? DisplayName = null)
{
    /// <inheritdoc/>
    public override string ToString() => DisplayName is null ? Address : $"{DisplayName} <{Address}>";
}

/// <summary>
/// One logical e-mail, independent of how it is sent. <see cref="MessageId"/> is chosen by the caller
/// and must be stable for the logical message: when an outbox row is delivered twice (the first send
/// timed out after the relay had accepted it), both copies carry the same Message-ID, so mail clients
/// and we can recognise the repeat.
/// </summary>
/// <param name="From">The author; <see langword="null"/> means the sender's configured default.</param>
/// <param name="To">The recipients; at least one.</param>
/// <param name="Subject">The subject, any Unicode text without line breaks.</param>
/// <param name="TextBody">The plain-text body; always present because some officers read mail as text.</param>
/// <param name="HtmlBody">The HTML body, or <see langword="null"/> for text only.</param>
/// <param name="MessageId">The Message-ID without angle brackets, <c>local@domain</c>; see <see cref="StableMessageId"/>.</param>
public sealed record MailMessageSpec(
    Mailbox? From,
    IReadOnlyList<Mailbox> To,
    string Subject,
    string TextBody,
    string? HtmlBody,
    string MessageId)
{
    // Headers the sender writes itself from the spec; letting callers set them would produce two of them.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Received", "Return-Path",
    };

    /// <summary>Extra headers such as <c>X-Case-Id</c>. Names must be RFC 5322 field names; values must not contain line breaks.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A Message-ID derived from a logical key (say tenant, case and notice kind), so every redelivery of the
    /// same notice gets the same id. The key is hashed because it may hold characters a Message-ID may not.
    /// </summary>
    /// <param name="logicalKey">What makes the message the same message, e.g. <c>"shenzhen/case-42/decision-request/3"</c>.</param>
    /// <param name="domain">Our mail domain, the part after the <c>@</c>.</param>
    public static string StableMessageId(string logicalKey, string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(logicalKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        if (!IsDotAtom(domain))
        {
            throw new ArgumentException($"'{domain}' is not a valid Message-ID domain.", nameof(domain));
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(logicalKey));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16)) + "@" + domain;
    }

    /// <summary>What is wrong with this message, or <see langword="null"/> when it can be sent.</summary>
    public string? Problem()
    {
        if (To is null || To.Count == 0)
        {
            return "the message has no recipients";
        }

        if (To.Any(t => t is null || string.IsNullOrWhiteSpace(t.Address)))
        {
            return "a recipient has no address";
        }

        if (Subject is null || Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return "the subject is missing or contains a line break";
        }

        if (TextBody is null)
        {
            return "the message has no text body";
        }

        if (!IsValidMessageId(MessageId))
        {
            return $"'{MessageId}' is not a Message-ID of the form local@domain (no angle brackets, spaces or line breaks)";
        }

        foreach (var (name, value) in Headers)
        {
            if (!IsFieldName(name))
            {
                return $"'{name}' is not a valid header name";
            }

            if (Reserved.Contains(name))
            {
                return $"the header '{name}' is written by the sender and cannot be set as an extra header";
            }

            if (value is null || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return $"the value of header '{name}' is missing or contains a line break";
            }
        }

        return null;
    }

    internal static bool IsValidMessageId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var at = id.LastIndexOf('@');
        return at > 0 && at < id.Length - 1 && IsDotAtom(id[..at]) && IsDotAtom(id[(at + 1)..]);
    }

    // RFC 5322 dot-atom: atext runs separated by single dots. Stricter than the grammar allows, which is the point.
    private static bool IsDotAtom(string s) =>
        s.Length > 0 && s[0] != '.' && s[^1] != '.' && !s.Contains("..", StringComparison.Ordinal) &&
        s.All(c => c == '.' || IsAtext(c));

    private static bool IsAtext(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    private static bool IsFieldName(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(c => c is > ' ' and < (char)127 and not ':');
}
