using System.Text.Json;
using Azure;
using LandRedevelopment.Calendars;
using LandRedevelopment.Mail;
using LandRedevelopment.Policies;
using LandRedevelopment.Review.Notices;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Review.Durable;

/// <summary>What one pass of <see cref="PolicyValidityNotices.SendDueAsync"/> did.</summary>
/// <param name="Mailed">Notices mailed (one per source and notice, to every officer holding the policy's escalation role).</param>
/// <param name="Failures">What failed and is tried again at the next pass.</param>
public sealed record PolicyNoticeReport(int Mailed, IReadOnlyList<string> Failures);

/// <summary>
/// Mails each tenant's programme officers (the policy's <c>review.escalation.notifyRole</c>) when a source document of
/// the current policy comes within 90 and within 30 days of its last valid day, and once it has expired
/// (<see cref="PolicyValidity"/>); and when this year's holiday calendar, or from 1 December next year's, is not loaded
/// (<see cref="PolicyValidity.CalendarYearsMissing"/>). Each notice goes out once per source and last valid day (per year
/// for a calendar): a row in the tenant's
/// partition of the directory records it after the mail is handed over, so a pass that dies between the two mails it
/// again under the same Message-ID (consumers see a repeat, never a loss), and every later pass skips it.
/// </summary>
public sealed class PolicyValidityNotices(TenantDirectory tenants, IMailSender mail, ReviewOptions options, TimeProvider time)
{
    /// <summary>The row keys (in the tenant's directory partition) of the notices sent.</summary>
    public const string RowPrefix = "policy-notice|";

    /// <summary>Sends every notice due now, tenant by tenant; a tenant that fails is reported and the rest go on.</summary>
    public async Task<PolicyNoticeReport> SendDueAsync(CancellationToken ct)
    {
        var mailed = 0;
        var failures = new List<string>();
        foreach (var tenant in await tenants.ListAsync(ct).ConfigureAwait(false))
        {
            try
            {
                mailed += await SendDueForAsync(tenant, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RequestFailedException or MailDeliveryException or DirectoryException or JsonException or TimeZoneNotFoundException)
            {
                failures.Add($"policy notices of {tenant.Id}: {e.Message}");
            }
        }

        return new PolicyNoticeReport(mailed, failures);
    }

    private async Task<int> SendDueForAsync(Tenant tenant, CancellationToken ct)
    {
        var stored = await tenants.GetPolicyAsync(tenant.Id, null, ct).ConfigureAwait(false);
        var policy = JsonSerializer.Deserialize<PolicyDocument>(stored.Json, PolicyJson.Options)
            ?? throw new JsonException($"Policy version {stored.Version} of {tenant.Id} is empty.");
        var today = LegalPeriods.LocalDate(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone));
        var notices = new List<(string Key, string Kind, MailContent Content)>();
        foreach (var source in PolicyValidity.Of(policy, today))
        {
            if (PolicyValidity.NoticeDue(source) is { } notice)
            {
                notices.Add((PolicyValidity.NoticeKey(source, notice), notice, PolicyMails.SourceValidity(tenant.DisplayName, policy.Name, stored.Version, source, notice)));
            }
        }

        var loaded = (await tenants.ListCalendarsAsync(tenant.Id, ct).ConfigureAwait(false)).Select(y => y.Year);
        foreach (var year in PolicyValidity.CalendarYearsMissing(loaded, today))
        {
            notices.Add(($"calendar|{year}|missing", "calendar-missing", PolicyMails.CalendarMissing(tenant.DisplayName, tenant.Id, year)));
        }

        if (notices.Count == 0)
        {
            return 0;
        }

        var role = policy.Review.Escalation.NotifyRole;
        var officers = (await tenants.ListOfficersAsync(tenant, ct).ConfigureAwait(false)).Where(o => o.Roles.Contains(role, StringComparer.Ordinal)).ToList();
        var mailed = 0;
        foreach (var (key, kind, content) in notices)
        {
            var row = RowPrefix + TenantDirectory.Sha256(key); // row keys may not hold every character a source id may
            if ((await tenants.Table.GetEntityIfExistsAsync(tenant.Id, row, cancellationToken: ct).ConfigureAwait(false)).HasValue)
            {
                continue;
            }

            foreach (var officer in officers)
            {
                await mail.SendAsync(new MailMessageSpec(null, [new Mailbox(officer.Email, officer.Name)], content.Subject, content.Text, content.Html,
                    MailMessageSpec.StableMessageId($"{tenant.Id}/policy-notice/{key}/{officer.Id}", options.MessageIdDomain))
                {
                    Headers = new Dictionary<string, string>
                    {
                        ["X-Tenant-Id"] = tenant.Id,
                        ["X-Officer-Id"] = officer.Id,
                        ["X-Policy-Notice"] = kind,
                    },
                }, ct).ConfigureAwait(false);
                mailed++;
            }

            await tenants.Table.UpsertEntityAsync(new TableEntity(tenant.Id, row)
            {
                ["Notice"] = key,
                ["PolicyVersion"] = stored.Version,
                ["Officers"] = officers.Count,
                ["At"] = time.GetUtcNow(),
            }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }

        return mailed;
    }
}
