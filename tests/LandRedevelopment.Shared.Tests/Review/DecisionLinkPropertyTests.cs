using FsCheck;
using FsCheck.Fluent;
using LandRedevelopment.Review;
using static LandRedevelopment.Shared.Tests.Review.DecisionLinkTestData;

namespace LandRedevelopment.Shared.Tests.Review;

public class DecisionLinkPropertyTests
{
    // Ids as they come: ASCII, Chinese, JSON and token punctuation, and a surrogate pair, so escaping is exercised.
    private static readonly char[] IdChars =
        [.. "abcXYZ019-_./:=+ ", '"', '\\', '\n', '\t', '\u0000', .. "深圳市福田区旧改审查王芳", '\u00e9', '\u2028'];

    private static readonly Gen<string> Id =
        from length in Gen.Choose(1, 40)
        from chars in Gen.ArrayOf(Gen.Elements(IdChars), length)
        from emoji in Gen.Elements("", "😀", "𠀀")
        let text = new string(chars) + emoji
        where !string.IsNullOrWhiteSpace(text)
        select text;

    private static readonly Gen<DateTimeOffset> WholeSecond =
        from seconds in Gen.Choose(0, int.MaxValue)
        from offsetHours in Gen.Choose(-12, 14)
        select DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(TimeSpan.FromHours(offsetHours));

    private static readonly Gen<DecisionClaims> AnyClaims =
        from tenant in Id
        from caseId in Id
        from step in Id
        from attempt in Gen.OneOf(Gen.Choose(1, 5), Gen.Choose(1, int.MaxValue))
        from officer in Id
        from action in Gen.Elements(Enum.GetValues<DecisionAction>())
        from issued in WholeSecond
        from lifetime in Gen.Choose(1, 90 * 24 * 3600)
        from nonceSeed in Gen.Choose(0, int.MaxValue)
        select new DecisionClaims(tenant, caseId, step, attempt, officer, action, issued, issued.AddSeconds(lifetime), NonceFrom(nonceSeed));

    private static string NonceFrom(int seed)
    {
        var bytes = new byte[16];
        new Random(seed).NextBytes(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    [Fact]
    public void Random_claims_round_trip_exactly() =>
        PropertyCheck.ForAll(AnyClaims, claims =>
        {
            var token = DecisionLinkSigner.Create(claims, Shenzhen, claims.IssuedAt);
            var verdict = DecisionLinkSigner.Verify(token, claims.TenantId, Shenzhen, claims.IssuedAt);
            Assert.Equal(DecisionLinkVerdictKind.Valid, verdict.Kind);
            Assert.Equal(claims, verdict.Claims);
            Assert.Equal(claims.IssuedAt.UtcTicks, verdict.Claims!.IssuedAt.UtcTicks);
            Assert.Equal(token, Uri.EscapeDataString(token));
        }, maxTest: 300);

    [Fact]
    public void Flipping_any_bit_of_any_character_never_verifies() =>
        PropertyCheck.ForAll(
            from claims in AnyClaims
            from position in Gen.Choose(0, 10_000)
            from bit in Gen.Choose(0, 15)
            select (claims, position, bit),
            t =>
            {
                var token = DecisionLinkSigner.Create(t.claims, Shenzhen, t.claims.IssuedAt);
                var chars = token.ToCharArray();
                var i = t.position % chars.Length;
                chars[i] = (char)(chars[i] ^ (1 << t.bit));
                var verdict = DecisionLinkSigner.Verify(new string(chars), t.claims.TenantId, Shenzhen, t.claims.IssuedAt);
                Assert.NotEqual(DecisionLinkVerdictKind.Valid, verdict.Kind);
                Assert.Null(verdict.Claims);
            }, maxTest: 1000);

    [Fact]
    public void Replacing_inserting_or_dropping_a_character_never_verifies() =>
        PropertyCheck.ForAll(
            from position in Gen.Choose(0, 10_000)
            from replacement in Gen.Elements([.. "AaZz09-_.=+/ \u00e9"])
            from edit in Gen.Choose(0, 2)
            select (position, replacement, edit),
            t =>
            {
                var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);
                var i = t.position % token.Length;
                var edited = t.edit switch
                {
                    0 => token[..i] + t.replacement + token[(i + 1)..],
                    1 => token.Insert(i, t.replacement.ToString()),
                    _ => token.Remove(i, 1),
                };
                if (edited == token) return;
                Assert.NotEqual(DecisionLinkVerdictKind.Valid, DecisionLinkSigner.Verify(edited, "shenzhen", Shenzhen, T0).Kind);
            }, maxTest: 1000);

    [Fact]
    public void Every_position_of_a_token_is_covered_by_the_mac()
    {
        // Exhaustive for one token: each character changed to each other token-alphabet character.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);
        for (var i = 0; i < token.Length; i++)
            foreach (var c in alphabet)
            {
                if (c == token[i]) continue;
                var edited = token[..i] + c + token[(i + 1)..];
                Assert.NotEqual(DecisionLinkVerdictKind.Valid, DecisionLinkSigner.Verify(edited, "shenzhen", Shenzhen, T0).Kind);
            }
    }

    private static readonly Gen<string> Garbage = Gen.OneOf(
        // Any UTF-16, lone surrogates included.
        from length in Gen.Choose(0, 300)
        from chars in Gen.ArrayOf(Gen.Choose(0, 0xFFFF).Select(c => (char)c), length)
        select new string(chars),
        // Base64-ish with padding, slashes, plus and whitespace, and dots in the wrong number.
        from length in Gen.Choose(0, 400)
        from chars in Gen.ArrayOf(Gen.Elements([.. "ABCxyz0189+/=-_. \n%"]), length)
        select new string(chars),
        // Huge.
        from length in Gen.Choose(DecisionLinkSigner.MaxTokenLength + 1, 200_000)
        from c in Gen.Elements('A', '.', '深', '=')
        select new string(c, length),
        // Non-ASCII Chinese text.
        from length in Gen.Choose(1, 100)
        from chars in Gen.ArrayOf(Gen.Elements([.. "深圳市旧改审批通过退回驳回。．"]), length)
        select new string(chars));

    [Fact]
    public void Garbage_is_malformed_and_never_throws() =>
        PropertyCheck.ForAll(Garbage, garbage =>
        {
            // Random input that happens to have our four-part shape fails later (unknown key); anything else is Malformed.
            var verdict = DecisionLinkSigner.Verify(garbage, "shenzhen", Shenzhen, T0);
            var shaped = garbage.StartsWith("v1.", StringComparison.Ordinal) && garbage.Split('.').Length == 4;
            if (shaped) Assert.NotEqual(DecisionLinkVerdictKind.Valid, verdict.Kind);
            else Assert.Equal(DecisionLinkVerdictKind.Malformed, verdict.Kind);
        }, maxTest: 1000);

    [Fact]
    public void Token_shaped_garbage_under_a_real_key_id_never_verifies_or_throws() =>
        PropertyCheck.ForAll(
            from payloadLength in Gen.Choose(0, 600)
            from payload in Gen.ArrayOf(Gen.Elements([.. "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"]), payloadLength)
            from mac in Gen.ArrayOf(Gen.Elements([.. "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"]), 43)
            select $"v1.{Shenzhen.Keys[0].Id}.{new string(payload)}.{new string(mac)}",
            token =>
            {
                var kind = DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0).Kind;
                Assert.Contains(kind, new[] { DecisionLinkVerdictKind.Malformed, DecisionLinkVerdictKind.BadSignature });
            }, maxTest: 500);
}
