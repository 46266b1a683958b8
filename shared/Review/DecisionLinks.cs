using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Review;

/// <summary>
/// Mints and checks the signed tokens in review e-mails.
/// <para>
/// Format: <c>v1.{keyId}.{payload}.{mac}</c>, every part URL-safe (<c>[A-Za-z0-9_-]</c>, joined by dots), so the
/// token drops into a path or query without escaping. <c>payload</c> is unpadded base64url of compact UTF-8 JSON
/// (<c>{"t","c","s","n","o","a","iat","exp","nonce","m"}</c>, times as Unix seconds, <c>m</c> the tag of the mailbox the
/// link was mailed to and absent from links minted before links named one); <c>mac</c> is unpadded base64url of
/// HMAC-SHA256, under the tenant's signing key, of the ASCII text <c>v1.{keyId}.{payload}</c> (prefixed by a fixed
/// purpose label). With realistic ids (GUID officer ids, long step names) a token is 250–400 characters.
/// </para>
/// <para>
/// Why not a JWT via Microsoft.IdentityModel.Tokens: we sign and verify on the same side with one symmetric algorithm,
/// so a JWT's negotiable header (alg, kid, typ, crit) is only attack surface — "alg" confusion and header parsing
/// before the MAC is checked are classic JWT bugs — and the library brings options to get right rather than safety.
/// Forty lines over HMACSHA256 with a fixed version, a MAC over the exact text and a fixed-time compare are easier
/// to audit and give shorter links.
/// </para>
/// </summary>
public static class DecisionLinkSigner
{
    /// <summary>The only version minted or accepted; a new format gets a new prefix instead of guessing.</summary>
    public const string Version = "v1";

    /// <summary>Longer input is refused before any work, so a hostile megabyte string costs nothing.</summary>
    public const int MaxTokenLength = 2048;

    /// <summary>Key ids travel in the token as they are, so they are held to the token alphabet.</summary>
    public const int MaxKeyIdLength = 64;

    /// <summary>Secrets shorter than this are refused: an empty or tiny secret (say, a damaged row) would let anyone sign.</summary>
    public const int MinSecretBytes = 32;

    private const int MacChars = 43; // 32 bytes, unpadded base64url

    // Binds the MAC to this use: should the tenant key ever sign another kind of link, neither can pass for the other.
    private static readonly byte[] Purpose = "land-redevelopment/decision-link\n"u8.ToArray();

    // No-one reads this JSON but us, and it is base64url-wrapped, so HTML-safe escaping only makes Chinese ids 2x longer.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Signs <paramref name="claims"/> with the tenant's active key at <paramref name="now"/>.
    /// Throws on claims that could not round-trip (blank ids, attempt below 1, sub-second times, expiry not after issue,
    /// a malformed nonce, invalid UTF-16) and when the ring has no usable active key: these are our bugs, not input.
    /// </summary>
    public static string Create(DecisionClaims claims, SigningKeyRing ring, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(ring);
        Validate(claims);

        var key = ring.Active(now) ?? throw new InvalidOperationException("The tenant has no active signing key.");
        if (!IsWellFormedKeyId(key.Id))
            throw new InvalidOperationException($"Signing key id '{key.Id}' is not usable in a link: 1-{MaxKeyIdLength} of [A-Za-z0-9_-].");
        if (key.Secret is null || key.Secret.Length < MinSecretBytes)
            throw new InvalidOperationException($"Signing key '{key.Id}' has a secret shorter than {MinSecretBytes} bytes.");

        var signed = $"{Version}.{key.Id}.{Base64Url.EncodeToString(Serialize(claims))}";
        var token = signed + "." + Mac(key.Secret, signed);
        if (token.Length > MaxTokenLength)
            throw new ArgumentException($"The claims make a {token.Length}-character token; links are capped at {MaxTokenLength}.", nameof(claims));
        return token;
    }

    /// <summary>
    /// Checks a token from a link against the ring of <paramref name="expectedTenantId"/> — the tenant the request came in for.
    /// Never throws: anything that is not a well-formed token of ours is <see cref="DecisionLinkVerdictKind.Malformed"/>.
    /// Order: shape, key, MAC, payload, tenant, expiry — nothing from the payload is believed before the MAC holds.
    /// Single use is not checked here: storage records <see cref="DecisionClaims.Nonce"/> when the decision is posted.
    /// </summary>
    public static DecisionLinkVerdict Verify(string? token, string expectedTenantId, SigningKeyRing ring, DateTimeOffset now)
    {
        // The ring and tenant come from our own code, so their absence is a bug to surface, unlike anything in the token.
        ArgumentNullException.ThrowIfNull(expectedTenantId);
        ArgumentNullException.ThrowIfNull(ring);
        try
        {
            return VerifyCore(token, expectedTenantId, ring, now);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or OverflowException or DecoderFallbackException or InvalidOperationException)
        {
            // Belt and braces: every path above is meant to return Malformed itself; hostile input must never surface as a 500.
            return DecisionLinkVerdict.Malformed;
        }
    }

    /// <summary>
    /// The tenant a token says it is for, read without checking anything: only to choose whose keys then
    /// <see cref="Verify"/> it, which trusts nothing this returned. Null for anything that is not token-shaped.
    /// </summary>
    public static string? PeekTenant(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return null;
        var parts = token.Split('.');
        if (parts.Length != 4 || parts[0] != Version) return null;
        try
        {
            var bytes = new byte[Base64Url.GetMaxDecodedLength(parts[2].Length)];
            if (!Base64Url.TryDecodeFromChars(parts[2], bytes, out var written)) return null;
            return Deserialize(bytes.AsSpan(0, written))?.TenantId;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or OverflowException or DecoderFallbackException or InvalidOperationException)
        {
            return null;
        }
    }

    private static DecisionLinkVerdict VerifyCore(string? token, string expectedTenantId, SigningKeyRing ring, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return DecisionLinkVerdict.Malformed;
        foreach (var c in token)
            if (c != '.' && !IsBase64UrlChar(c)) return DecisionLinkVerdict.Malformed;

        var lastDot = token.LastIndexOf('.');
        var parts = token.Split('.');
        if (parts.Length != 4) return DecisionLinkVerdict.Malformed;
        var (version, keyId, payload, mac) = (parts[0], parts[1], parts[2], parts[3]);
        if (version != Version || !IsWellFormedKeyId(keyId) || payload.Length == 0 || mac.Length != MacChars)
            return DecisionLinkVerdict.Malformed;

        var key = ring.ForVerification(keyId, now);
        if (key is null)
            return ring.Keys.Any(k => k.Id == keyId) ? DecisionLinkVerdict.RetiredKey : DecisionLinkVerdict.UnknownKey;
        // Fail closed on a damaged key rather than accept what anyone could have signed.
        if (key.Secret is null || key.Secret.Length < MinSecretBytes) return DecisionLinkVerdict.BadSignature;

        // Compare the MAC as text we re-encode ourselves: base64url's spare low bits in the last character mean
        // decoding the presented MAC would accept several spellings of one token, and a flipped spare bit must not verify.
        var expected = Encoding.ASCII.GetBytes(Mac(key.Secret, token[..lastDot]));
        var presented = Encoding.ASCII.GetBytes(mac);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented)) return DecisionLinkVerdict.BadSignature;

        var bytes = new byte[Base64Url.GetMaxDecodedLength(payload.Length)];
        if (!Base64Url.TryDecodeFromChars(payload, bytes, out var written)) return DecisionLinkVerdict.Malformed;
        var claims = Deserialize(bytes.AsSpan(0, written));
        if (claims is null) return DecisionLinkVerdict.Malformed;

        if (!string.Equals(claims.TenantId, expectedTenantId, StringComparison.Ordinal)) return DecisionLinkVerdict.WrongTenant;
        if (now >= claims.ExpiresAt) return DecisionLinkVerdict.Expired(claims);
        return DecisionLinkVerdict.Valid(claims);
    }

    private static string Mac(byte[] secret, string signed)
    {
        var text = Encoding.ASCII.GetBytes(signed);
        var input = new byte[Purpose.Length + text.Length];
        Purpose.CopyTo(input, 0);
        text.CopyTo(input, Purpose.Length);
        return Base64Url.EncodeToString(HMACSHA256.HashData(secret, input));
    }

    internal static bool IsBase64UrlChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';

    private static bool IsWellFormedKeyId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxKeyIdLength) return false;
        foreach (var c in id)
            if (!IsBase64UrlChar(c)) return false;
        return true;
    }

    private static void Validate(DecisionClaims claims)
    {
        RequireText(claims.TenantId, nameof(DecisionClaims.TenantId));
        RequireText(claims.CaseId, nameof(DecisionClaims.CaseId));
        RequireText(claims.StepId, nameof(DecisionClaims.StepId));
        RequireText(claims.OfficerId, nameof(DecisionClaims.OfficerId));
        if (claims.StepAttempt < 1) throw new ArgumentException("StepAttempt is 1-based.", nameof(claims));
        _ = claims.Action.ToWire(); // throws for an out-of-range enum value, which would otherwise sign an action nobody can parse
        if (!WholeSecond(claims.IssuedAt) || !WholeSecond(claims.ExpiresAt))
            throw new ArgumentException("IssuedAt and ExpiresAt must be whole seconds (use DecisionClaims.Issue).", nameof(claims));
        if (claims.ExpiresAt <= claims.IssuedAt) throw new ArgumentException("ExpiresAt must be after IssuedAt.", nameof(claims));
        if (!DecisionClaims.IsWellFormedNonce(claims.Nonce))
            throw new ArgumentException("Nonce must be 16 random bytes in unpadded base64url (use DecisionClaims.NewNonce).", nameof(claims));
        if (claims.Mailbox is not null && !DecisionClaims.IsWellFormedMailboxTag(claims.Mailbox))
            throw new ArgumentException("Mailbox must be a tag made by DecisionClaims.MailboxTag.", nameof(claims));
    }

    private static void RequireText(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} is required.", name);
        try
        {
            StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{name} is not valid UTF-16 (a lone surrogate).", name, e);
        }
    }

    private static bool WholeSecond(DateTimeOffset t) => t.UtcTicks % TimeSpan.TicksPerSecond == 0;

    private static byte[] Serialize(DecisionClaims c)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("t", c.TenantId);
            w.WriteString("c", c.CaseId);
            w.WriteString("s", c.StepId);
            w.WriteNumber("n", c.StepAttempt);
            w.WriteString("o", c.OfficerId);
            w.WriteString("a", c.Action.ToWire());
            w.WriteNumber("iat", c.IssuedAt.ToUnixTimeSeconds());
            w.WriteNumber("exp", c.ExpiresAt.ToUnixTimeSeconds());
            w.WriteString("nonce", c.Nonce);
            if (c.Mailbox is not null)
            {
                w.WriteString("m", c.Mailbox);
            }

            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // Strict on purpose even though the MAC already vouches for the bytes: exactly our nine fields (ten with the mailbox
    // tag), each once, each of its type, so a future bug in Create shows up as Malformed instead of half-read claims.
    private static DecisionClaims? Deserialize(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 2 });
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;

        string? tenant = null, caseId = null, step = null, officer = null, action = null, nonce = null, mailbox = null;
        int? attempt = null;
        long? iat = null, exp = null;
        var seen = 0;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            seen++;
            var ok = p.Name switch
            {
                "t" => TakeString(p.Value, ref tenant),
                "c" => TakeString(p.Value, ref caseId),
                "s" => TakeString(p.Value, ref step),
                "o" => TakeString(p.Value, ref officer),
                "a" => TakeString(p.Value, ref action),
                "nonce" => TakeString(p.Value, ref nonce),
                "m" => TakeString(p.Value, ref mailbox),
                "n" => TakeInt32(p.Value, ref attempt),
                "iat" => TakeInt64(p.Value, ref iat),
                "exp" => TakeInt64(p.Value, ref exp),
                _ => false,
            };
            if (!ok) return null;
        }
        if (seen != (mailbox is null ? 9 : 10) || tenant is null || caseId is null || step is null || officer is null || action is null || nonce is null
            || attempt is not { } stepAttempt || iat is not { } issued || exp is not { } expires)
            return null;
        if (!DecisionActions.TryParseWire(action, out var decision) || stepAttempt < 1 || expires <= issued
            || !InUnixRange(issued) || !InUnixRange(expires) || !DecisionClaims.IsWellFormedNonce(nonce)
            || (mailbox is not null && !DecisionClaims.IsWellFormedMailboxTag(mailbox)))
            return null;

        return new DecisionClaims(tenant, caseId, step, stepAttempt, officer, decision,
            DateTimeOffset.FromUnixTimeSeconds(issued), DateTimeOffset.FromUnixTimeSeconds(expires), nonce, mailbox);
    }

    private static bool TakeString(JsonElement value, ref string? slot)
    {
        if (slot is not null || value.ValueKind != JsonValueKind.String) return false;
        slot = value.GetString();
        return !string.IsNullOrWhiteSpace(slot);
    }

    private static bool TakeInt32(JsonElement value, ref int? slot)
    {
        if (slot is not null || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n)) return false;
        slot = n;
        return true;
    }

    private static bool TakeInt64(JsonElement value, ref long? slot)
    {
        if (slot is not null || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n)) return false;
        slot = n;
        return true;
    }

    private static bool InUnixRange(long seconds) =>
        seconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds();
}
