using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using LandRedevelopment.Review;
using LandRedevelopment.Tenants;
using static LandRedevelopment.Shared.Tests.Review.DecisionLinkTestData;

namespace LandRedevelopment.Shared.Tests.Review;

public class DecisionLinkSignerTests
{
    [Fact]
    public void A_signed_link_verifies_with_its_claims()
    {
        var claims = Claims();
        var token = DecisionLinkSigner.Create(claims, Shenzhen, T0);

        var verdict = DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0.AddHours(1));

        Assert.Equal(DecisionLinkVerdictKind.Valid, verdict.Kind);
        Assert.True(verdict.IsValid);
        Assert.Equal(claims, verdict.Claims);
    }

    [Fact]
    public void The_token_is_url_safe_versioned_names_its_key_and_fits_an_email()
    {
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);

        Assert.Equal(token, Uri.EscapeDataString(token));
        Assert.DoesNotContain('=', token);
        var parts = token.Split('.');
        Assert.Equal(4, parts.Length);
        Assert.Equal("v1", parts[0]);
        Assert.Equal("20250101000000-0a1b2c3d", parts[1]);
        Assert.Equal(43, parts[3].Length);
        Assert.InRange(token.Length, 100, 400);
    }

    [Fact]
    public void Each_action_survives_the_round_trip()
    {
        foreach (var action in Enum.GetValues<DecisionAction>())
        {
            var claims = Claims(action: action);
            var verdict = DecisionLinkSigner.Verify(DecisionLinkSigner.Create(claims, Shenzhen, T0), "shenzhen", Shenzhen, T0);
            Assert.Equal(action, verdict.Claims?.Action);
        }
    }

    [Fact]
    public void Two_links_for_the_same_decision_differ_by_nonce()
    {
        var a = Claims();
        var b = Claims();
        Assert.NotEqual(a.Nonce, b.Nonce);
        Assert.True(DecisionClaims.IsWellFormedNonce(a.Nonce));
        Assert.NotEqual(DecisionLinkSigner.Create(a, Shenzhen, T0), DecisionLinkSigner.Create(b, Shenzhen, T0));
    }

    [Fact]
    public void A_link_expires_at_its_expiry_instant_and_keeps_its_claims_for_the_page()
    {
        var claims = Claims(lifetime: TimeSpan.FromHours(2));
        var token = DecisionLinkSigner.Create(claims, Shenzhen, T0);

        Assert.Equal(DecisionLinkVerdictKind.Valid, DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, claims.ExpiresAt.AddTicks(-1)).Kind);
        var expired = DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, claims.ExpiresAt);
        Assert.Equal(DecisionLinkVerdictKind.Expired, expired.Kind);
        Assert.False(expired.IsValid);
        Assert.Equal(claims, expired.Claims);
    }

    [Fact]
    public void Expiry_is_judged_only_after_the_signature()
    {
        var token = DecisionLinkSigner.Create(Claims(lifetime: TimeSpan.FromHours(1)), Shenzhen, T0);
        var forged = DecisionLinkSigner.Create(Claims(lifetime: TimeSpan.FromHours(1)),
            Ring(Key("20250101000000-0a1b2c3d", 0x99, T0.AddDays(-60))), T0);

        Assert.Equal(DecisionLinkVerdictKind.Expired, DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0.AddDays(1)).Kind);
        Assert.Equal(DecisionLinkVerdictKind.BadSignature, DecisionLinkSigner.Verify(forged, "shenzhen", Shenzhen, T0.AddDays(1)).Kind);
    }

    [Fact]
    public void A_link_of_one_tenant_checked_as_another_is_wrong_tenant_and_shows_nothing()
    {
        var token = DecisionLinkSigner.Create(Claims(tenantId: "shenzhen"), Shenzhen, T0);

        var verdict = DecisionLinkSigner.Verify(token, "guangzhou", Shenzhen, T0);

        Assert.Equal(DecisionLinkVerdictKind.WrongTenant, verdict.Kind);
        Assert.Null(verdict.Claims);
    }

    [Fact]
    public void The_tenant_is_under_the_mac_so_rewriting_it_breaks_the_signature()
    {
        var token = DecisionLinkSigner.Create(Claims(tenantId: "shenzhen"), Shenzhen, T0);
        var parts = token.Split('.');
        var json = JsonNode.Parse(Base64Url.DecodeFromChars(parts[2]))!;
        json["t"] = "guangzhou";
        parts[2] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
        var rewritten = string.Join('.', parts);

        Assert.Equal(DecisionLinkVerdictKind.BadSignature, DecisionLinkSigner.Verify(rewritten, "guangzhou", Shenzhen, T0).Kind);
        Assert.Equal(DecisionLinkVerdictKind.BadSignature, DecisionLinkSigner.Verify(rewritten, "shenzhen", Shenzhen, T0).Kind);
    }

    [Fact]
    public void Rewriting_any_claim_breaks_the_signature()
    {
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);
        var parts = token.Split('.');
        foreach (var (field, value) in new (string, JsonNode)[]
                 {
                     ("c", "CASE-2025-0043"), ("s", "city-review"), ("n", 2), ("o", "officer-李雷"), ("a", "reject"),
                     ("exp", T0.AddYears(5).ToUnixTimeSeconds()), ("nonce", DecisionClaims.NewNonce()),
                     ("m", DecisionClaims.MailboxTag("lilei@district.example.cn")),
                 })
        {
            var json = JsonNode.Parse(Base64Url.DecodeFromChars(parts[2]))!;
            json[field] = value;
            var rewritten = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()))}.{parts[3]}";
            Assert.Equal(DecisionLinkVerdictKind.BadSignature, DecisionLinkSigner.Verify(rewritten, "shenzhen", Shenzhen, T0).Kind);
        }
    }

    [Fact]
    public void A_key_id_the_tenant_never_had_is_unknown()
    {
        var token = DecisionLinkSigner.Create(Claims(), Ring(Key("someone-elses-key", 0x11, T0.AddDays(-1))), T0);

        Assert.Equal(DecisionLinkVerdictKind.UnknownKey, DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0).Kind);
    }

    [Fact]
    public void Another_secret_under_the_same_key_id_is_a_bad_signature()
    {
        var token = DecisionLinkSigner.Create(Claims(), Ring(Key("20250101000000-0a1b2c3d", 0x12, T0.AddDays(-60))), T0);

        Assert.Equal(DecisionLinkVerdictKind.BadSignature, DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0).Kind);
    }

    [Fact]
    public void After_rotation_the_old_key_verifies_during_the_overlap_and_is_retired_after_it()
    {
        var rotatedAt = T0.AddDays(1);
        var overlapEnds = rotatedAt.AddDays(7);
        var before = Ring(Key("old", 0x21, T0.AddDays(-90)));
        var after = Ring(Key("old", 0x21, T0.AddDays(-90), overlapEnds), Key("new", 0x22, rotatedAt));
        var mailedBefore = DecisionLinkSigner.Create(Claims(lifetime: TimeSpan.FromDays(30)), before, T0);
        var mailedAfter = DecisionLinkSigner.Create(Claims(lifetime: TimeSpan.FromDays(30), now: rotatedAt), after, rotatedAt);

        Assert.Equal("new", mailedAfter.Split('.')[1]);
        Assert.Equal(DecisionLinkVerdictKind.Valid, DecisionLinkSigner.Verify(mailedBefore, "shenzhen", after, rotatedAt.AddDays(3)).Kind);
        Assert.Equal(DecisionLinkVerdictKind.Valid, DecisionLinkSigner.Verify(mailedBefore, "shenzhen", after, overlapEnds.AddTicks(-1)).Kind);
        Assert.Equal(DecisionLinkVerdictKind.RetiredKey, DecisionLinkSigner.Verify(mailedBefore, "shenzhen", after, overlapEnds).Kind);
        Assert.Equal(DecisionLinkVerdictKind.RetiredKey, DecisionLinkSigner.Verify(mailedBefore, "shenzhen", after, overlapEnds.AddDays(1)).Kind);
        Assert.Equal(DecisionLinkVerdictKind.Valid, DecisionLinkSigner.Verify(mailedAfter, "shenzhen", after, overlapEnds.AddDays(1)).Kind);
    }

    [Fact]
    public void A_damaged_short_secret_neither_signs_nor_verifies()
    {
        var damaged = Ring(new SigningKey("20250101000000-0a1b2c3d", [], T0.AddDays(-60), null));
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);

        Assert.Throws<InvalidOperationException>(() => DecisionLinkSigner.Create(Claims(), damaged, T0));
        Assert.Equal(DecisionLinkVerdictKind.BadSignature, DecisionLinkSigner.Verify(token, "shenzhen", damaged, T0).Kind);
    }

    [Fact]
    public void Create_refuses_claims_that_could_not_round_trip_or_a_ring_without_an_active_key()
    {
        var good = Claims();
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { IssuedAt = good.IssuedAt.AddMilliseconds(5) }, Shenzhen, T0));
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { ExpiresAt = good.IssuedAt }, Shenzhen, T0));
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { StepAttempt = 0 }, Shenzhen, T0));
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { CaseId = " " }, Shenzhen, T0));
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { OfficerId = "\ud800" }, Shenzhen, T0));
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { Nonce = "short" }, Shenzhen, T0));
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(good with { CaseId = new string('x', 3000) }, Shenzhen, T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DecisionLinkSigner.Create(good with { Action = (DecisionAction)7 }, Shenzhen, T0));
        Assert.Throws<InvalidOperationException>(() => DecisionLinkSigner.Create(good, Ring(Key("k", 0x11, T0.AddDays(-2), T0.AddDays(-1))), T0));
        Assert.Throws<InvalidOperationException>(() => DecisionLinkSigner.Create(good, Ring(Key("bad.id", 0x11, T0.AddDays(-2))), T0));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1")]
    [InlineData("v1...")]
    [InlineData("v1.k.p")]
    [InlineData("v1.k.p.m.x")]
    [InlineData("v2.20250101000000-0a1b2c3d.eyJ0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.20250101000000-0a1b2c3d.eyJ0IjoxfQ.AAAA")]
    [InlineData("v1.20250101000000-0a1b2c3d.eyJ0IjoxfQ==.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.20250101000000-0a1b2c3d.eyJ0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("v1.20250101000000-0a1b2c3d.eyJ0 IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.20250101000000-0a1b2c3d.eyJ0+IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.20250101000000-0a1b2c3d..AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1..eyJ0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJ0Ijoic2hlbnpoZW4ifQ.")]
    [InlineData("v1.键.eyJ0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_not_shaped_like_our_token_is_malformed(string? token) =>
        Assert.Equal(DecisionLinkVerdictKind.Malformed, DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0).Kind);

    [Fact]
    public void A_huge_input_is_malformed_without_being_read()
    {
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);
        Assert.Equal(DecisionLinkVerdictKind.Malformed, DecisionLinkSigner.Verify(token + new string('A', 5_000_000), "shenzhen", Shenzhen, T0).Kind);
        Assert.Equal(DecisionLinkVerdictKind.Malformed, DecisionLinkSigner.Verify(new string('.', 3_000_000), "shenzhen", Shenzhen, T0).Kind);
    }

    [Fact]
    public void A_correctly_signed_payload_that_is_not_our_claims_is_malformed()
    {
        // Only a key holder could produce these, but a bug in an older Create could too: they must not half-parse.
        var key = Shenzhen.Keys[0];
        foreach (var json in new[]
                 {
                     "[]", "{}", "not json", "{\"t\":\"shenzhen\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"delete\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":0,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":2,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":99999999999999999,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAB\"}",
                     "{\"t\":\"shenzhen\",\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":\"1\",\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"x\":1}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"m\":\"AAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"m\":\"AAAAAAAAAAA\",\"m\":\"AAAAAAAAAAA\"}",
                     "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"m\":1}",
                     "{\"t\":\"\\ud800\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
                 })
        {
            var signed = $"v1.{key.Id}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}";
            var token = signed + "." + MacFor(key, signed);
            var verdict = DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, DateTimeOffset.FromUnixTimeSeconds(1));
            Assert.True(verdict.Kind == DecisionLinkVerdictKind.Malformed, $"{json} gave {verdict.Kind}");
        }
    }

    [Fact]
    public void A_hand_signed_payload_of_ours_is_valid_so_the_malformed_cases_above_fail_for_their_payload()
    {
        var key = Shenzhen.Keys[0];
        const string json = "{\"t\":\"shenzhen\",\"c\":\"C\",\"s\":\"S\",\"n\":1,\"o\":\"O\",\"a\":\"approve\",\"iat\":1,\"exp\":2,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}";
        var signed = $"v1.{key.Id}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}";

        var verdict = DecisionLinkSigner.Verify(signed + "." + MacFor(key, signed), "shenzhen", Shenzhen, DateTimeOffset.FromUnixTimeSeconds(1));

        Assert.Equal(DecisionLinkVerdictKind.Valid, verdict.Kind);
    }

    // Mirrors the documented format independently of the signer, so the tests pin the wire format too.
    internal static string MacFor(SigningKey key, string signed) =>
        Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(key.Secret,
            (byte[])[.. "land-redevelopment/decision-link\n"u8, .. Encoding.ASCII.GetBytes(signed)]));
}

public class DecisionLinkSignerCallerErrorTests
{
    [Fact]
    public void A_missing_ring_or_tenant_is_our_bug_and_throws_rather_than_passing_as_malformed()
    {
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);
        Assert.Throws<ArgumentNullException>(() => DecisionLinkSigner.Verify(token, "shenzhen", null!, T0));
        Assert.Throws<ArgumentNullException>(() => DecisionLinkSigner.Verify(token, null!, Shenzhen, T0));
    }

    [Fact]
    public void A_typical_link_is_short_enough_for_an_email()
    {
        var claims = DecisionClaims.Issue("shenzhen-futian", "CASE-2025-000123", "district-land-bureau-review", 2,
            "officer-3f6c2a9e-7d41-4b8e-9a55-0c1d2e3f4a5b", DecisionAction.Return, T0, TimeSpan.FromDays(7));
        var token = DecisionLinkSigner.Create(claims, Shenzhen, T0);
        Assert.InRange(token.Length, 1, 400); // 361 today: fine in an e-mail, far from URL limits
    }
}
