using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Review.Notices;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Review.Durable;

/// <summary>A mail about a case to one officer, as an outbox row: the case headers every consumer filters on and a stable Message-ID.</summary>
internal static class CaseMail
{
    /// <summary>The outbox row of <paramref name="content"/> mailed to <paramref name="officer"/> about case <paramref name="caseId"/> of <paramref name="tenantId"/>.</summary>
    /// <param name="officer">The recipient.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="caseId">The case.</param>
    /// <param name="logicalKey">What the mail is, uniquely: a redelivery of the same row keeps its Message-ID.</param>
    /// <param name="headers">Headers beyond the case's (kind, step, instalment).</param>
    /// <param name="content">Subject and bodies.</param>
    /// <param name="messageIdDomain">The Message-ID's domain.</param>
    public static OutboxMessage To(Officer officer, string tenantId, string caseId, string logicalKey, IReadOnlyDictionary<string, string> headers, MailContent content, string messageIdDomain)
    {
        var all = new Dictionary<string, string>(headers)
        {
            ["X-Case-Id"] = caseId,
            ["X-Tenant-Id"] = tenantId,
            ["X-Officer-Id"] = officer.Id,
        };
        return OutboxMessage.Mail(new MailMessageSpec(null, [new Mailbox(officer.Email, officer.Name)], content.Subject, content.Text, content.Html,
            MailMessageSpec.StableMessageId(logicalKey, messageIdDomain)) { Headers = all });
    }
}
