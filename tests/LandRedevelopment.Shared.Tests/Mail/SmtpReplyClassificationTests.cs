using System.Net;
using System.Net.Sockets;
using System.Text;
using LandRedevelopment.Mail;

namespace LandRedevelopment.Shared.Tests.Mail;

/// <summary>
/// Relay replies MailDev never gives: a scripted SMTP server that refuses at a chosen step with a chosen
/// code, to check which refusals an outbox should retry.
/// </summary>
public class SmtpReplyClassificationTests
{
    [Theory]
    [InlineData("RCPT", "550 5.1.1 mailbox unavailable", false, 550)]
    [InlineData("RCPT", "451 4.3.0 try again later", true, 451)]
    [InlineData("MAIL", "452 4.3.1 insufficient storage", true, 452)]
    [InlineData("DATA", "554 5.7.1 rejected as spam", false, 554)]
    [InlineData("EHLO", "421 4.3.2 shutting down", true, 421)]
    public async Task Refusals_are_retryable_exactly_when_the_reply_is_4xx(string step, string reply, bool retryable, int code)
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var serving = ServeAsync(server, step, reply);
        var sender = new SmtpMailSender(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)server.LocalEndpoint).Port,
            EnableStartTls = false,
            From = "noreply@landredev.example",
            Timeout = TimeSpan.FromSeconds(5),
        });

        var e = await Assert.ThrowsAsync<MailDeliveryException>(() => sender.SendAsync(
            new MailMessageSpec(null, [new Mailbox("wang@example.gov.cn")], "主题", "正文", null, "x1@landredev.example"),
            CancellationToken.None));

        Assert.Equal(retryable, e.IsRetryable);
        Assert.Equal(code, e.SmtpStatusCode);
        await serving;
    }

    private static async Task ServeAsync(TcpListener server, string failAt, string failure)
    {
        using var client = await server.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', ':')[0].ToUpperInvariant();
            if (verb == "HELO")
            {
                verb = "EHLO";
            }

            if (verb == failAt)
            {
                await writer.WriteLineAsync(failure);
                if (verb == "EHLO")
                {
                    return;
                }

                continue;
            }

            switch (verb)
            {
                case "DATA":
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync() is { } body && body != ".")
                    {
                    }

                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
    }
}
