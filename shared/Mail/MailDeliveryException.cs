namespace LandRedevelopment.Mail;

/// <summary>
/// A message was not handed to the relay. <see cref="IsRetryable"/> is the one thing an outbox needs:
/// true for a refused connection, a timeout or a 4xx reply (try again later), false for a message or
/// configuration that will fail the same way every time (a malformed address, a 5xx reply, bad credentials).
/// </summary>
public sealed class MailDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MailDeliveryException(string message, bool isRetryable, int? smtpStatusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        IsRetryable = isRetryable;
        SmtpStatusCode = smtpStatusCode;
    }

    /// <summary>Whether sending the same message again later may succeed.</summary>
    public bool IsRetryable { get; }

    /// <summary>The SMTP reply code when the relay gave one (e.g. 421, 535, 550); <see langword="null"/> otherwise.</summary>
    public int? SmtpStatusCode { get; }
}
