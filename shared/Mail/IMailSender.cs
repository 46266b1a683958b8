namespace LandRedevelopment.Mail;

/// <summary>Sends one e-mail. Implementations are safe to call concurrently.</summary>
public interface IMailSender
{
    /// <summary>Hands the message to the mail relay.</summary>
    /// <exception cref="MailDeliveryException">The relay did not take the message; <see cref="MailDeliveryException.IsRetryable"/> says whether trying again later may help.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken);
}
