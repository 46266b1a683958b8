using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LandRedevelopment.Mail;

namespace LandRedevelopment.Shared.Tests.Mail;

/// <summary>
/// How the sender uses its connections, which MailDev does not show: a scripted SMTP server on loopback that counts
/// connections, messages and QUITs, and can drop a connection after each message as a relay does with idle ones.
/// </summary>
public class SmtpConnectionTests
{
    private static MailMessageSpec Mail(int i) =>
        new(null, [new Mailbox("wang@example.gov.cn")], $"主题 {i}", "正文", null, $"m{i}-{Guid.NewGuid():N}@landredev.example");

    private static SmtpMailSender Sender(ScriptedRelay relay, int connections, TimeSpan? idleClose = null) => new(new SmtpOptions
    {
        Host = "127.0.0.1",
        Port = relay.Port,
        EnableStartTls = false,
        From = "noreply@landredev.example",
        Timeout = TimeSpan.FromSeconds(10),
        Connections = connections,
        IdleClose = idleClose ?? TimeSpan.FromSeconds(15),
    });

    [Fact]
    public async Task A_burst_of_mails_goes_over_no_more_connections_than_allowed_each_reused()
    {
        using var relay = new ScriptedRelay(replyDelay: TimeSpan.FromMilliseconds(20));
        using var sender = Sender(relay, connections: 3);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => sender.SendAsync(Mail(i), CancellationToken.None)));

        Assert.Equal(30, relay.Messages.Count);
        Assert.Equal(30, relay.Messages.Distinct().Count());
        Assert.InRange(relay.Connections, 1, 3);
        Assert.True(relay.MaxOpenAtOnce <= 3, $"{relay.MaxOpenAtOnce} connections were open at once");
    }

    [Fact]
    public async Task A_connection_the_relay_dropped_between_mails_is_replaced_and_the_next_mail_still_goes()
    {
        using var relay = new ScriptedRelay(dropAfterEachMessage: true);
        using var sender = Sender(relay, connections: 1);

        await sender.SendAsync(Mail(1), CancellationToken.None);
        await relay.WaitForDropsAsync(1);
        await sender.SendAsync(Mail(2), CancellationToken.None);

        Assert.Equal(2, relay.Messages.Count);
        Assert.Equal(2, relay.Connections);
    }

    [Fact]
    public async Task A_connection_left_idle_is_closed_with_quit()
    {
        using var relay = new ScriptedRelay();
        using var sender = Sender(relay, connections: 2, idleClose: TimeSpan.FromMilliseconds(200));

        await sender.SendAsync(Mail(1), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (relay.Quits == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, relay.Quits);

        // And a later mail opens a new one.
        await sender.SendAsync(Mail(2), CancellationToken.None);
        Assert.Equal(2, relay.Connections);
        Assert.Equal(2, relay.Messages.Count);
    }

    [Fact]
    public async Task After_dispose_a_send_is_a_retryable_failure_not_a_crash()
    {
        using var relay = new ScriptedRelay();
        var sender = Sender(relay, connections: 1);
        await sender.SendAsync(Mail(1), CancellationToken.None);

        sender.Dispose();

        var e = await Assert.ThrowsAsync<MailDeliveryException>(() => sender.SendAsync(Mail(2), CancellationToken.None));
        Assert.True(e.IsRetryable);
        Assert.Single(relay.Messages);
    }

    /// <summary>An SMTP server on a free loopback port that accepts any number of connections.</summary>
    private sealed class ScriptedRelay : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TimeSpan _replyDelay;
        private readonly bool _dropAfterEachMessage;
        private readonly CancellationTokenSource _stop = new();
        private int _open;
        private int _maxOpen;
        private int _connections;
        private int _quits;
        private int _drops;

        public ScriptedRelay(TimeSpan replyDelay = default, bool dropAfterEachMessage = false)
        {
            _replyDelay = replyDelay;
            _dropAfterEachMessage = dropAfterEachMessage;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public ConcurrentQueue<string> Messages { get; } = new();

        public int Connections => Volatile.Read(ref _connections);

        public int MaxOpenAtOnce => Volatile.Read(ref _maxOpen);

        public int Quits => Volatile.Read(ref _quits);

        public async Task WaitForDropsAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref _drops) < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                var open = Interlocked.Increment(ref _open);
                int seen;
                while (open > (seen = Volatile.Read(ref _maxOpen)) && Interlocked.CompareExchange(ref _maxOpen, open, seen) != seen)
                {
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            try
            {
                using (client)
                {
                    await using var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync("220 scripted ESMTP");
                    while (await reader.ReadLineAsync() is { } line)
                    {
                        var verb = line.Split(' ', ':')[0].ToUpperInvariant();
                        switch (verb)
                        {
                            case "DATA":
                                await writer.WriteLineAsync("354 go ahead");
                                var id = "";
                                while (await reader.ReadLineAsync() is { } body && body != ".")
                                {
                                    if (body.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
                                    {
                                        id = body["Message-ID:".Length..].Trim();
                                    }
                                }

                                await Task.Delay(_replyDelay);
                                Messages.Enqueue(id);
                                await writer.WriteLineAsync("250 queued");
                                if (_dropAfterEachMessage)
                                {
                                    Interlocked.Increment(ref _drops);
                                    return;
                                }

                                break;
                            case "QUIT":
                                Interlocked.Increment(ref _quits);
                                await writer.WriteLineAsync("221 bye");
                                return;
                            default:
                                await writer.WriteLineAsync("250 ok");
                                break;
                        }
                    }
                }
            }
            catch (IOException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        }
    }
}
