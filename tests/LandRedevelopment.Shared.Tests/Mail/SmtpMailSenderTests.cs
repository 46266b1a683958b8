using LandRedevelopment.Mail;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Mail;

/// <summary>Against a real MailDev: what an officer's mail client would see, byte for byte where it matters.</summary>
public class SmtpMailSenderTests(MailDevFixture mailDev) : IClassFixture<MailDevFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private SmtpMailSender Sender() => MailDevSender.Create(mailDev);

    private static string NewId() => MailMessageSpec.StableMessageId(Guid.NewGuid().ToString(), "landredev.example");

    [Fact]
    public async Task Chinese_subject_text_and_html_arrive_intact()
    {
        // Long enough that the encoded subject is folded over several header lines.
        var subject = "【待审核】深圳市宝安区低效用地再开发项目（案件 SZ-2026-0042）土地置换方案审批——请于三个工作日内作出决定";
        var text = "王科长您好：\n\n案件 SZ-2026-0042 的再开发方案已提交，请审核。\n批准：https://example.gov.cn/d?c=42&v=approve\n驳回：https://example.gov.cn/d?c=42&v=reject\n";
        var html = "<p>王科长您好：</p><p>案件 <b>SZ-2026-0042</b> 的再开发方案已提交，请审核。</p>" +
                   "<p><a href=\"https://example.gov.cn/d?c=42&amp;v=approve\">批准</a> · <a href=\"https://example.gov.cn/d?c=42&amp;v=reject\">驳回</a></p>";
        var id = NewId();

        await Sender().SendAsync(
            new MailMessageSpec(null, [new Mailbox("wang@example.gov.cn", "王科长")], subject, text, html, id),
            CancellationToken.None);

        var mail = await mailDev.WaitForAsync(m => m.MessageId == $"<{id}>", Wait);
        Assert.Equal(subject, mail.Subject);
        Assert.Equal(text.ReplaceLineEndings("\n").TrimEnd(), mail.Text!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal(html, mail.Html!.Trim());
        Assert.StartsWith("multipart/alternative", mail.Header("content-type"), StringComparison.Ordinal);
        var from = Assert.Single(mail.From);
        Assert.Equal("noreply@landredev.example", from.Address);
        Assert.Equal("低效用地再开发审批系统", from.Name);
        var to = Assert.Single(mail.To);
        Assert.Equal(("wang@example.gov.cn", "王科长"), (to.Address, to.Name));

        // On the wire: one Message-ID, and nothing but 7-bit ASCII, so no relay on the way can mangle the Chinese.
        var source = await mailDev.SourceAsync(mail.Id);
        Assert.Single(source.Split('\n'), l => l.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase));
        Assert.All(source, c => Assert.True(c < 128, $"non-ASCII {c} on the wire"));
    }

    [Fact]
    public async Task Text_only_message_is_plain_text_not_multipart()
    {
        var id = NewId();

        await Sender().SendAsync(
            new MailMessageSpec(null, [new Mailbox("li@example.gov.cn")], "提醒：期限将至", "案件将于明日到期。", null, id),
            CancellationToken.None);

        var mail = await mailDev.WaitForAsync(m => m.MessageId == $"<{id}>", Wait);
        Assert.Equal("案件将于明日到期。", mail.Text!.Trim());
        Assert.StartsWith("text/plain", mail.Header("content-type"), StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(mail.Html));
    }

    [Fact]
    public async Task Several_recipients_all_get_it()
    {
        var id = NewId();
        Mailbox[] to = [new("a@example.gov.cn", "张三"), new("b@example.gov.cn", "李四"), new("c@example.gov.cn")];

        await Sender().SendAsync(new MailMessageSpec(null, to, "会审通知", "请参加会审。", "<p>请参加会审。</p>", id), CancellationToken.None);

        var mail = await mailDev.WaitForAsync(m => m.MessageId == $"<{id}>", Wait);
        Assert.Equal(to.Select(t => t.Address), mail.To.Select(t => t.Address));
        Assert.Equal(["张三", "李四", ""], mail.To.Select(t => t.Name));
        Assert.Equal(to.Select(t => t.Address), mail.EnvelopeTo);
    }

    [Fact]
    public async Task Message_id_and_extra_headers_arrive()
    {
        var id = MailMessageSpec.StableMessageId("shenzhen/case-42/decision-request/" + Guid.NewGuid(), "landredev.example");
        var spec = new MailMessageSpec(
            new Mailbox("noreply@landredev.example", "审批系统"), [new Mailbox("wang@example.gov.cn")], "决定请求", "正文", null, id)
        {
            Headers = new Dictionary<string, string> { ["X-Case-Id"] = "SZ-2026-0042", ["X-Tenant-Id"] = "shenzhen", ["X-Notice"] = "决定请求" },
        };

        await Sender().SendAsync(spec, CancellationToken.None);

        var mail = await mailDev.WaitForAsync(m => m.MessageId == $"<{id}>", Wait);
        Assert.Equal("SZ-2026-0042", mail.Header("X-Case-Id"));
        Assert.Equal("shenzhen", mail.Header("x-tenant-id"));
        Assert.Equal("决定请求", mail.Header("X-Notice"));
        Assert.Equal("审批系统", Assert.Single(mail.From).Name);
    }

    [Fact]
    public async Task A_redelivered_message_carries_the_same_message_id()
    {
        var key = "shenzhen/case-7/reminder/" + Guid.NewGuid();
        var spec = new MailMessageSpec(null, [new Mailbox("wang@example.gov.cn")], "提醒", "正文",
            null, MailMessageSpec.StableMessageId(key, "landredev.example"));

        await Sender().SendAsync(spec, CancellationToken.None);
        await Sender().SendAsync(spec with { MessageId = MailMessageSpec.StableMessageId(key, "landredev.example") }, CancellationToken.None);

        var deadline = DateTime.UtcNow + Wait;
        IReadOnlyList<CapturedMail> copies;
        do
        {
            copies = (await mailDev.MessagesAsync()).Where(m => m.MessageId == $"<{spec.MessageId}>").ToList();
        }
        while (copies.Count < 2 && DateTime.UtcNow < deadline);

        Assert.Equal(2, copies.Count);
    }

    [Fact]
    public async Task Refused_connection_is_a_retryable_delivery_failure()
    {
        var sender = new SmtpMailSender(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = Loopback.FreePort(),
            EnableStartTls = false,
            From = "noreply@landredev.example",
            Timeout = TimeSpan.FromSeconds(5),
        });

        var e = await Assert.ThrowsAsync<MailDeliveryException>(() =>
            sender.SendAsync(new MailMessageSpec(null, [new Mailbox("wang@example.gov.cn")], "主题", "正文", null, NewId()), CancellationToken.None));

        Assert.True(e.IsRetryable);
        Assert.Null(e.SmtpStatusCode);
    }

    [Fact]
    public async Task A_relay_that_never_answers_times_out_as_a_retryable_failure()
    {
        // Accepts the connection and then says nothing, like a relay stuck behind a dead load balancer.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var sender = new SmtpMailSender(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = port,
            EnableStartTls = false,
            From = "noreply@landredev.example",
            Timeout = TimeSpan.FromMilliseconds(500),
        });

        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<MailDeliveryException>(() =>
            sender.SendAsync(new MailMessageSpec(null, [new Mailbox("wang@example.gov.cn")], "主题", "正文", null, NewId()), CancellationToken.None));

        Assert.True(e.IsRetryable);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Malformed_recipient_is_a_permanent_failure_and_nothing_is_sent()
    {
        var e = await Assert.ThrowsAsync<MailDeliveryException>(() =>
            Sender().SendAsync(new MailMessageSpec(null, [new Mailbox("not an address")], "主题", "正文", null, NewId()), CancellationToken.None));

        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task Caller_cancellation_is_cancellation_not_a_delivery_failure()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Sender().SendAsync(new MailMessageSpec(null, [new Mailbox("wang@example.gov.cn")], "主题", "正文", null, NewId()), cts.Token));
    }
}
