using LandRedevelopment.Mail;

namespace LandRedevelopment.Shared.Tests.Mail;

public class MailMessageSpecTests
{
    private static MailMessageSpec Valid() =>
        new(null, [new Mailbox("wang@example.gov.cn")], "主题", "正文", null, "abc.123@landredev.example");

    [Fact]
    public void Stable_message_id_is_the_same_for_the_same_key_and_differs_otherwise()
    {
        var a = MailMessageSpec.StableMessageId("shenzhen/case-42/decision-request/3", "landredev.example");

        Assert.Equal(a, MailMessageSpec.StableMessageId("shenzhen/case-42/decision-request/3", "landredev.example"));
        Assert.NotEqual(a, MailMessageSpec.StableMessageId("shenzhen/case-42/decision-request/4", "landredev.example"));
        Assert.True(MailMessageSpec.IsValidMessageId(a));
        Assert.EndsWith("@landredev.example", a, StringComparison.Ordinal);
        Assert.True(MailMessageSpec.IsValidMessageId(MailMessageSpec.StableMessageId("深圳/案件 42 <x>", "landredev.example")));
    }

    [Fact]
    public void A_valid_spec_has_no_problem() => Assert.Null(Valid().Problem());

    [Theory]
    [InlineData("<abc@x>")]
    [InlineData("abc")]
    [InlineData("a b@x")]
    [InlineData("abc@")]
    [InlineData("abc@x\r\nBcc: evil@x")]
    [InlineData("")]
    public void Bad_message_ids_are_refused(string id) => Assert.NotNull((Valid() with { MessageId = id }).Problem());

    [Theory]
    [InlineData("X-Case-Id", "a\r\nBcc: evil@example.com")]
    [InlineData("Bcc", "evil@example.com")]
    [InlineData("message-id", "<x@y>")]
    [InlineData("X Case", "1")]
    [InlineData("X-Case:Id", "1")]
    public void Header_injection_and_reserved_headers_are_refused(string name, string value) =>
        Assert.NotNull((Valid() with { Headers = new Dictionary<string, string> { [name] = value } }).Problem());

    [Fact]
    public void Subject_with_a_line_break_and_no_recipients_are_refused()
    {
        Assert.NotNull((Valid() with { Subject = "主题\r\nBcc: evil@example.com" }).Problem());
        Assert.NotNull((Valid() with { To = [] }).Problem());
    }

    [Fact]
    public void Options_refuse_credentials_in_clear_text_to_a_remote_host_and_hide_the_password()
    {
        var remote = new SmtpOptions { Host = "smtp.azurecomm.net", EnableStartTls = false, UserName = "u", Password = "secret", From = "a@b.cn" };
        Assert.Throws<ArgumentException>(remote.Validate);

        var ok = new SmtpOptions { Host = "smtp.azurecomm.net", UserName = "u", Password = "secret", From = "a@b.cn" };
        ok.Validate();
        Assert.DoesNotContain("secret", ok.ToString(), StringComparison.Ordinal);

        new SmtpOptions { Host = "127.0.0.1", EnableStartTls = false, UserName = "u", Password = "p", From = "a@b.cn" }.Validate();
    }
}
