using LandRedevelopment.Policies;
using static LandRedevelopment.Review.Notices.NoticeFormat;

namespace LandRedevelopment.Review.Notices;

/// <summary>Mails about a tenant's policy rather than a case, in Chinese with brief English. Pure, like <see cref="ReviewMails"/>.</summary>
public static class PolicyMails
{
    /// <summary>
    /// Tells the officers who answer for the programme that a document the policy rests on ends soon, or has ended: the
    /// rules keep applying as they are until the administrator changes the policy.
    /// </summary>
    /// <param name="tenantName">The city, as the mails name it.</param>
    /// <param name="policyName">The policy's name.</param>
    /// <param name="policyVersion">The policy version in force.</param>
    /// <param name="source">The source document and how it stands.</param>
    /// <param name="notice">The notice (<see cref="PolicyValidity.NoticeDue"/>).</param>
    public static MailContent SourceValidity(string tenantName, string policyName, int policyVersion, SourceValidity source, string notice)
    {
        ArgumentNullException.ThrowIfNull(source);
        var until = source.ValidUntil is { } day ? Day(day) : "—";
        var (headline, english) = notice == "expired"
            ? ($"政策依据已过有效期：{source.Id}（有效期至 {until}）", $"A document the policy rests on ended on {until}.")
            : ($"政策依据即将到期：{source.Id}（有效期至 {until}，剩余 {source.DaysLeft} 天）", $"A document the policy rests on ends on {until}, in {source.DaysLeft} days.");
        var subject = OneLine($"[{tenantName}] {headline}");
        var w = new NoticeWriter(withText: true)
            .Title(headline)
            .Para($"{tenantName}低效用地再开发政策所依据的文件{(notice == "expired" ? "已过有效期" : "即将到期")}。在管理员更新政策之前，系统继续按现行政策（第 {policyVersion} 版）进行筛查、审批和计价；如文件已延期、修订或被新文件取代，请据此更新政策。")
            .Para(english + " The service keeps applying the current policy until the administrator updates it; if the document was extended, amended or replaced, update the policy to match.", "en")
            .Heading("政策依据", "Source")
            .Facts(
            [
                ("政策", policyName),
                ("政策版本", policyVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("文件", source.Title),
                ("施行日期", source.InForce is { } from ? Day(from) : "—"),
                ("有效期至", until),
            ]);
        return new MailContent(subject, w.Text, Document(subject, w.Html));
    }

    /// <summary>Tells the officers who answer for the programme that a year's holiday calendar is not loaded.</summary>
    /// <param name="tenantName">The city, as the mails name it.</param>
    /// <param name="tenantId">The tenant, for the admin call that loads it.</param>
    /// <param name="year">The year without a calendar.</param>
    public static MailContent CalendarMissing(string tenantName, string tenantId, int year)
    {
        var headline = $"尚未载入{year}年节假日安排";
        var subject = OneLine($"[{tenantName}] {headline}");
        var call = $"PUT /api/admin/tenants/{tenantId}/calendars/{year}";
        var w = new NoticeWriter(withText: true)
            .Title(headline)
            .Para($"系统尚未载入{tenantName}{year}年的法定节假日和调休安排。在载入之前，落在{year}年的办理期限、方案提交期限和缴款期限只按周末计算，遇春节、国庆等假期时会提前届满。请在国务院办公厅公布安排后由管理员载入（{call}）。")
            .Para($"The {year} holiday calendar is not loaded: until it is, deadlines in {year} are counted over weekends alone and would end too early around the Spring Festival or National Day. Ask the administrator to load it ({call}).", "en");
        return new MailContent(subject, w.Text, Document(subject, w.Html));
    }
}
