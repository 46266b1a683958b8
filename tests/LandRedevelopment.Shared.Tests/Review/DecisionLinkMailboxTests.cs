using System.Buffers.Text;
using System.Text;
using LandRedevelopment.Review;
using LandRedevelopment.Tenants;
using static LandRedevelopment.Shared.Tests.Review.DecisionLinkTestData;

namespace LandRedevelopment.Shared.Tests.Review;

/// <summary>
/// A decision link names the mailbox it was mailed to, so that a change of the officer's address retires it even
/// when the change comes within the second the link was minted (links carry whole seconds).
/// </summary>
public class DecisionLinkMailboxTests
{
    private static Officer Officer(string email, DateTimeOffset? since = null) =>
        new("officer-王芳", "王芳", email, ["district-bureau"]) { EmailSince = since };

    [Fact]
    public void The_link_carries_the_tag_of_its_mailbox_and_verifies_with_it()
    {
        var token = DecisionLinkSigner.Create(Claims(), Shenzhen, T0);

        var verdict = DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0);

        Assert.Equal(DecisionLinkVerdictKind.Valid, verdict.Kind);
        Assert.Equal(DecisionClaims.MailboxTag(Mailbox), verdict.Claims!.Mailbox);
        Assert.Contains("\"m\":\"" + DecisionClaims.MailboxTag(Mailbox) + "\"",
            Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[2])), StringComparison.Ordinal);
        Assert.DoesNotContain("district.example.cn", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[2])), StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_ignore_case_and_surrounding_space_and_tell_addresses_apart()
    {
        Assert.Equal(DecisionClaims.MailboxTag("WangFang@District.example.cn "), DecisionClaims.MailboxTag(Mailbox));
        Assert.NotEqual(DecisionClaims.MailboxTag("successor@district.example.cn"), DecisionClaims.MailboxTag(Mailbox));
        Assert.True(DecisionClaims.IsWellFormedMailboxTag(DecisionClaims.MailboxTag(Mailbox)));
        Assert.Equal(DecisionClaims.MailboxTagLength, DecisionClaims.MailboxTag(Mailbox).Length);
    }

    [Fact]
    public void A_link_to_the_earlier_address_is_refused_even_when_the_address_changed_within_its_second()
    {
        var claims = Claims(now: T0.AddMilliseconds(300));
        // The address changed 400 ms later: in the same whole second the link carries as its issue time.
        var changed = Officer("successor@district.example.cn", since: T0);

        Assert.Equal(T0, claims.IssuedAt);
        Assert.False(claims.WasMailedToPresentAddressOf(changed));
        Assert.True(claims.WasMailedToPresentAddressOf(Officer(Mailbox)));
    }

    [Fact]
    public void A_fresh_link_to_the_new_address_works_from_the_second_of_the_change()
    {
        var changed = Officer("successor@district.example.cn", since: T0);
        var fresh = DecisionClaims.Issue("shenzhen", "CASE-2025-0042", "district-review", 1, "officer-王芳", DecisionAction.Approve,
            T0.AddMilliseconds(700), TimeSpan.FromDays(3), "Successor@district.example.cn");

        Assert.True(fresh.WasMailedToPresentAddressOf(changed));
    }

    [Fact]
    public void A_link_to_an_address_the_officer_has_again_is_still_refused_if_issued_before_the_latest_change()
    {
        // 王芳 → successor → 王芳 again: the mailbox matches, but the link predates the latest change.
        var claims = Claims();

        Assert.False(claims.WasMailedToPresentAddressOf(Officer(Mailbox, since: T0.AddSeconds(1))));
        Assert.True(claims.WasMailedToPresentAddressOf(Officer(Mailbox, since: T0)));
    }

    [Fact]
    public void A_link_minted_before_links_named_a_mailbox_is_judged_by_time_alone()
    {
        var legacy = Claims() with { Mailbox = null };
        var token = DecisionLinkSigner.Create(legacy, Shenzhen, T0);

        Assert.DoesNotContain("\"m\"", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[2])), StringComparison.Ordinal);
        Assert.Null(DecisionLinkSigner.Verify(token, "shenzhen", Shenzhen, T0).Claims!.Mailbox);
        Assert.True(legacy.WasMailedToPresentAddressOf(Officer("successor@district.example.cn")));
        Assert.True(legacy.WasMailedToPresentAddressOf(Officer("successor@district.example.cn", since: T0)));
        Assert.False(legacy.WasMailedToPresentAddressOf(Officer("successor@district.example.cn", since: T0.AddSeconds(1))));
    }

    [Fact]
    public void Create_refuses_a_mailbox_that_is_not_a_tag()
    {
        Assert.Throws<ArgumentException>(() => DecisionLinkSigner.Create(Claims() with { Mailbox = Mailbox }, Shenzhen, T0));
        Assert.False(DecisionClaims.IsWellFormedMailboxTag("AAAAAAAAAAB"));
    }
}
