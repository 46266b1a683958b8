namespace LandRedevelopment.Mail;

/// <summary>
/// Where and how <see cref="SmtpMailSender"/> relays mail. Azure Communication Services: host
/// <c>smtp.azurecomm.net</c>, port 587, STARTTLS, the SMTP username of the resource and an Entra app secret
/// as password. MailDev locally: loopback, its SMTP port, no TLS, no credentials. Implicit TLS (port 465)
/// is not supported by the underlying client.
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>The relay's host name.</summary>
    public required string Host { get; init; }

    /// <summary>The relay's port; 587 is submission with STARTTLS.</summary>
    public int Port { get; init; } = 587;

    /// <summary>Upgrade the connection with STARTTLS before authenticating; required when credentials go to a non-loopback host.</summary>
    public bool EnableStartTls { get; init; } = true;

    /// <summary>The SMTP user name, or <see langword="null"/> for an unauthenticated relay.</summary>
    public string? UserName { get; init; }

    /// <summary>The SMTP password; never printed by <see cref="ToString"/>.</summary>
    public string? Password { get; init; }

    /// <summary>The default sender address, used when a message has no <see cref="MailMessageSpec.From"/>; ACS only accepts its verified sender addresses.</summary>
    public required string From { get; init; }

    /// <summary>The name shown beside <see cref="From"/>, e.g. <c>低效用地再开发审批系统</c>.</summary>
    public string? FromName { get; init; }

    /// <summary>How long one send may take, from the call (waiting for a free connection included) to the relay's final reply.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many connections to the relay may be open at once, each sending one mail at a time.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>How long a connection stays open with nothing to send before it is closed (relays drop idle ones after a minute or more).</summary>
    public TimeSpan IdleClose { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Throws when the options cannot work, so a bad configuration fails at start-up rather than on the first notice.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("SMTP host is required.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "SMTP port must be 1-65535.");
        }

        if (string.IsNullOrWhiteSpace(From))
        {
            throw new ArgumentException("SMTP sender address is required.", nameof(From));
        }

        if (Timeout <= TimeSpan.Zero || Timeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "SMTP timeout must be positive.");
        }

        if (Connections is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Connections), Connections, "SMTP connections must be 1-64.");
        }

        if (IdleClose <= TimeSpan.Zero || IdleClose.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleClose), IdleClose, "SMTP idle close must be positive.");
        }

        if ((UserName is null) != (Password is null))
        {
            throw new ArgumentException("SMTP user name and password go together.", nameof(UserName));
        }

        // A password in clear text over the network is worse than no mail; loopback (MailDev) is the one exception.
        if (UserName is not null && !EnableStartTls && !IsLoopback(Host))
        {
            throw new ArgumentException($"Refusing to send SMTP credentials to {Host} without STARTTLS.", nameof(EnableStartTls));
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"smtp://{(UserName is null ? "" : UserName + ":***@")}{Host}:{Port} starttls={EnableStartTls} from={From}";

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
