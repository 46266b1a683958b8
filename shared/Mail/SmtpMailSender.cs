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
public sealed class SmtpMailSender : IMailSender
{
    private readonly SmtpOptions _options;

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
        using var mail = Build(message, _options);

        // SmtpClient's own Timeout only covers synchronous Send, so the async path gets a token of its own.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);

        // One client per send: SmtpClient refuses overlapping sends and .NET does not pool its connections anyway.
        using var client = CreateClient(_options);
        try
        {
            await client.SendMailAsync(mail, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The relay may have accepted the message just before we gave up; a retry then sends the same
            // Message-ID, which is why the spec insists on a stable one.
            throw new MailDeliveryException(
                $"SMTP send to {_options.Host}:{_options.Port} timed out after {_options.Timeout}.", isRetryable: true);
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
