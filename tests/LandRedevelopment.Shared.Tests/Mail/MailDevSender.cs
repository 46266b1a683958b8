using LandRedevelopment.Mail;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Mail;

/// <summary>An SMTP sender to the shared MailDev (plain SMTP on loopback, no STARTTLS).</summary>
internal static class MailDevSender
{
    public static SmtpMailSender Create(MailDevFixture mailDev, string from = "noreply@landredev.example", string fromName = "低效用地再开发审批系统") => new(new SmtpOptions
    {
        Host = "127.0.0.1",
        Port = mailDev.SmtpPort,
        EnableStartTls = false,
        From = from,
        FromName = fromName,
        Timeout = TimeSpan.FromSeconds(10),
    });
}
