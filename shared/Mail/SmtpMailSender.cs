using System.Collections.Concurrent;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace LandRedevelopment.Mail;

/// <summary>
/// Sends mail over SMTP with .NET's built-in client: UTF-8 subject, names and bodies (base64, so Chinese
/// survives any 7-bit hop), multipart/alternative when there is HTML, and the spec's Message-ID.
/// </summary>
/// <remarks>
/// SmtpClient blocks its thread while the relay answers the end of each message, even through SendMailAsync; on the
/// thread pool a burst of mails (a deadline falling for a hundred cases at once) would hold every pool thread waiting
/// on the relay and stall all other work until the pool grows. So sends run on a few threads of their own
/// (<see cref="SmtpOptions.Connections"/>), each keeping its connection to the relay open for the next mail and
/// closing it after <see cref="SmtpOptions.IdleClose"/> without work. Callers wait asynchronously.
/// </remarks>
public sealed class SmtpMailSender : IMailSender, IDisposable
{
    private readonly SmtpOptions _options;
    private readonly BlockingCollection<Pending> _queue = new();
    private int _running;

    /// <summary>Creates the sender; throws when <paramref name="options"/> cannot work.</summary>
    public SmtpMailSender(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc/>
    public async Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(message);
        try
        {
            _queue.Add(pending, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new MailDeliveryException("The mail sender is shutting down; the mail stays where it came from.", isRetryable: true);
        }

        StartWorkerIfRoom();

        // The timeout covers waiting for a connection as well as the send itself.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await pending.Done.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Not sent yet: it will not be. Being sent: the relay may accept it after all, and a retry then sends the
            // same Message-ID, which is why the spec insists on a stable one.
            pending.Abandon();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new MailDeliveryException(
                $"SMTP send to {_options.Host}:{_options.Port} timed out after {_options.Timeout}.", isRetryable: true);
        }
    }

    /// <summary>Lets the sending threads finish what is queued and close their connections.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void StartWorkerIfRoom()
    {
        while (true)
        {
            var running = Volatile.Read(ref _running);
            if (running >= _options.Connections)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _running, running + 1, running) == running)
            {
                new Thread(Work) { IsBackground = true, Name = "smtp-sender" }.Start();
                return;
            }
        }
    }

    private void Work()
    {
        SmtpClient? client = null;
        try
        {
            while (true)
            {
                if (!_queue.TryTake(out var pending, _options.IdleClose))
                {
                    // Idle (or shut down): close the connection and end this thread, unless work came in meanwhile
                    // that no other thread will take (a sender counted this one as running when it looked).
                    Close(ref client);
                    Interlocked.Decrement(ref _running);
                    if (_queue.IsCompleted || _queue.Count == 0 || !TryRejoin())
                    {
                        return;
                    }

                    continue;
                }

                if (pending.IsAbandoned)
                {
                    continue;
                }

                try
                {
                    Send(ref client, pending.Spec);
                    pending.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    // Whatever it was goes to the caller; this thread (and the process) carries on.
                    Close(ref client);
                    pending.Done.TrySetException(e as MailDeliveryException
                        ?? new MailDeliveryException($"Sending mail {pending.Spec.MessageId} failed: {e.Message}", isRetryable: true, innerException: e));
                }
            }
        }
        finally
        {
            Close(ref client);
        }
    }

    private bool TryRejoin()
    {
        var running = Volatile.Read(ref _running);
        return running < _options.Connections && Interlocked.CompareExchange(ref _running, running + 1, running) == running;
    }

    private void Send(ref SmtpClient? client, MailMessageSpec spec)
    {
        var reused = client is not null;
        try
        {
            SendOnce(ref client, spec);
        }
        catch (MailDeliveryException e) when (reused && e.IsRetryable && e.SmtpStatusCode is null or 421)
        {
            // The relay dropped the connection while it sat open between mails: once more on a new one.
            Close(ref client);
            SendOnce(ref client, spec);
        }
    }

    private void SendOnce(ref SmtpClient? client, MailMessageSpec spec)
    {
        using var mail = Build(spec, _options);
        client ??= CreateClient(_options);
        try
        {
            client.Send(mail);
        }
        catch (SmtpFailedRecipientsException e)
        {
            throw Failed(e, e.InnerExceptions.Select(r => r.StatusCode).DefaultIfEmpty(e.StatusCode).ToArray());
        }
        catch (SmtpException e)
        {
            throw Failed(e, [e.StatusCode]);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
        {
            throw Classify(e, null);
        }
    }

    private static void Close(ref SmtpClient? client)
    {
        if (client is null)
        {
            return;
        }

        try
        {
            // Says QUIT on an open connection.
            client.Dispose();
        }
        catch (Exception e) when (e is SmtpException or IOException or SocketException or InvalidOperationException or ObjectDisposedException)
        {
        }

        client = null;
    }

    private sealed class Pending(MailMessageSpec spec)
    {
        private int _abandoned;

        public MailMessageSpec Spec { get; } = spec;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

        public void Abandon() => Interlocked.Exchange(ref _abandoned, 1);
    }

    internal static MailMessage Build(MailMessageSpec spec, SmtpOptions options)
    {
        if (spec.Problem() is { } problem)
        {
            // The same spec fails the same way every time, so an outbox should park it rather than retry.
            throw new MailDeliveryException($"Message {spec.MessageId} cannot be sent: {problem}.", isRetryable: false);
        }

        var mail = new MailMessage();
        try
        {
            var from = spec.From ?? new Mailbox(options.From, options.FromName);
            mail.From = Address(from);
            if (!from.Address.Equals(options.From, StringComparison.OrdinalIgnoreCase))
            {
                // The relay only accepts its verified sender as envelope sender; the author stays in From.
                mail.Sender = Address(new Mailbox(options.From, options.FromName));
            }

            foreach (var to in spec.To)
            {
                mail.To.Add(Address(to));
            }

            mail.Subject = spec.Subject;
            mail.SubjectEncoding = Encoding.UTF8;
            mail.HeadersEncoding = Encoding.UTF8;
            mail.BodyEncoding = Encoding.UTF8;

            if (spec.HtmlBody is null)
            {
                mail.Body = spec.TextBody;
                mail.IsBodyHtml = false;
                mail.BodyTransferEncoding = TransferEncoding.Base64;
            }
            else
            {
                // Order matters: readers show the last alternative they understand, so HTML goes last.
                mail.AlternateViews.Add(View(spec.TextBody, MediaTypeNames.Text.Plain));
                mail.AlternateViews.Add(View(spec.HtmlBody, MediaTypeNames.Text.Html));
            }

            mail.Headers["Message-ID"] = "<" + spec.MessageId + ">";
            foreach (var (name, value) in spec.Headers)
            {
                mail.Headers[name] = value;
            }

            return mail;
        }
        catch (FormatException e)
        {
            mail.Dispose();
            throw new MailDeliveryException($"Message {spec.MessageId} cannot be sent: {e.Message}", isRetryable: false, innerException: e);
        }
    }

    private static MailAddress Address(Mailbox box) => new(box.Address, box.DisplayName, Encoding.UTF8);

    private static AlternateView View(string content, string mediaType)
    {
        var view = AlternateView.CreateAlternateViewFromString(content, Encoding.UTF8, mediaType);
        view.TransferEncoding = TransferEncoding.Base64;
        return view;
    }

    // SmtpClient's docs steer to MailKit, which we cannot take; it still does STARTTLS and AUTH, which is all the relay needs.
    private static SmtpClient CreateClient(SmtpOptions options)
    {
        var client = new SmtpClient(options.Host, options.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = options.EnableStartTls,
            UseDefaultCredentials = false,
            Timeout = (int)options.Timeout.TotalMilliseconds,
        };
        if (options.UserName is not null)
        {
            client.Credentials = new NetworkCredential(options.UserName, options.Password);
        }

        return client;
    }

    private MailDeliveryException Failed(SmtpException e, IReadOnlyList<SmtpStatusCode> codes)
    {
        if (e.InnerException is IOException or SocketException or AuthenticationException)
        {
            return Classify(e.InnerException, e);
        }

        // Every recipient must be worth retrying: re-sending also re-sends to those that failed permanently,
        // and one permanent refusal will recur forever.
        var numeric = codes.Select(c => (int)c).ToArray();
        var retryable = numeric.All(IsTransientCode);
        var shown = numeric.FirstOrDefault(c => c > 0);
        return new MailDeliveryException(
            $"SMTP relay {_options.Host}:{_options.Port} refused the message ({string.Join(", ", numeric)}): {e.Message}",
            retryable, shown > 0 ? shown : null, e);
    }

    private MailDeliveryException Classify(Exception cause, Exception? outer)
    {
        // A TLS failure is a certificate or configuration problem; it will fail the same way next time.
        var retryable = cause is not AuthenticationException;
        return new MailDeliveryException(
            $"Could not talk to SMTP relay {_options.Host}:{_options.Port}: {cause.Message}", retryable, null, outer ?? cause);
    }

    // 4xx is transient by definition. GeneralFailure (-1) is what SmtpClient reports when the connection
    // itself broke, also worth another try. 5xx, including 530/535 authentication, is permanent.
    private static bool IsTransientCode(int code) => code is < 0 or (>= 400 and < 500);
}
