using static LandRedevelopment.Review.Notices.NoticeFormat;

namespace LandRedevelopment.Review.Notices;

/// <summary>
/// The content of the review mails, in Chinese with brief English. Pure: no I/O and no clock; the same
/// arguments always give the same content. Subjects never contain line breaks, every value in the HTML
/// body is encoded, and every value in the text body is kept on its line.
/// </summary>
public static class ReviewMails
{
    /// <summary>The sentence telling an officer what opening a decision link does (and does not do).</summary>
    private const string LinkExplanation =
        "打开以上链接只会显示确认页面，在该页面按下确认按钮之前不会作出任何决定。链接仅限您本人使用，且只能使用一次。";

    private const string LinkExplanationEn =
        "Opening a link only shows a confirmation page; nothing is decided until you press the button on that page. Links are personal and single-use.";

    /// <summary>
    /// The mail asking an officer to decide a step: the case, the step and its deadline, and one personal link per
    /// action. The text body has, for each link, exactly one line <c>{wire} {label}: {url}</c>, e.g.
    /// <c>approve 批准: https://…</c>.
    /// </summary>
    /// <param name="c">The case.</param>
    /// <param name="step">The step to decide; when <see cref="StepBrief.Overdue"/>, the mail says it is overdue.</param>
    /// <param name="officerName">The officer's name, for the greeting.</param>
    /// <param name="links">The officer's decision links, in the order to show them.</param>
    /// <param name="reminder">True for the reminder sent before the deadline.</param>
    /// <param name="zone">The tenant's time zone, for the due instant.</param>
    /// <param name="reissued">True for fresh links after the officer's address changed: the mail says the earlier ones no longer work.</param>
    /// <param name="departures">For a plan's step, the rules in principle the plan departs from (e.g. 中卫 section 4(5)'s 3 mu per scattered plot).</param>
    /// <exception cref="ArgumentException">A link URL is not an absolute http(s) URL.</exception>
    public static MailContent DecisionRequest(
        CaseBrief c, StepBrief step, string officerName, IReadOnlyList<ActionLink> links, bool reminder, TimeZoneInfo zone, bool reissued = false,
        IReadOnlyList<DepartureBrief>? departures = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(zone);

        var subject = OneLine(
            $"{(reminder ? "【提醒】" : "")}{(step.Overdue ? "【已逾期】" : "")}[{c.TenantName}] 待审批：{c.LandCode} {step.StepName}（案件 {c.CaseId}）");
        var w = new NoticeWriter(withText: true)
            .Title($"待审批：{c.LandCode} {step.StepName}")
            .Para($"{officerName}，您好：")
            .Para($"{c.TenantName}的低效用地案件 {c.CaseId} 正在等待您对「{step.StepName}」环节作出决定。")
            .Para($"Case {c.CaseId} is waiting for your decision on this step.", "en");
        if (step.Overdue)
        {
            w.Para("本环节已超过办理期限，请尽快处理。 This step is overdue.", "overdue");
        }
        else if (reminder)
        {
            w.Para("本环节即将到期，请在截止时间前处理。 Reminder: this step is due soon.", "warn");
        }

        if (reissued)
        {
            w.Para("您的邮箱地址已变更：此前发往原邮箱的决定链接已失效，请使用本邮件中的链接。 Your e-mail address changed: links sent to the earlier address no longer work; use the links in this mail.", "warn");
        }

        w.WriteCase(c, criteria: true)
            .WriteDepartures(departures ?? [])
            .Heading("审批环节", "Step").Facts(StepFacts(step, zone))
            .Heading("作出决定", "Decide")
            .Raw(null, "<p>");
        foreach (var link in links)
        {
            ArgumentNullException.ThrowIfNull(link, nameof(links));
            var wire = link.Action.ToWire();
            var label = LinkLabel(link.Action);
            w.Raw($"{wire} {label}: {link.Url}",
                $"<a class=\"btn {wire}\" style=\"{ButtonStyle(link.Action)}\" href=\"{Href(link.Url, nameof(links), absolute: true)}\">{H(label)}</a>\n");
        }

        w.Raw(null, "</p>\n").Para(LinkExplanation).Para(LinkExplanationEn, "en");
        return new MailContent(subject, w.Text, Document(subject, w.Html));
    }

    /// <summary>
    /// A plain notification about a case, e.g. a step overdue, a return for rework, a rejection, a determination
    /// issued or served, a plan approved, a reclamation.
    /// </summary>
    /// <param name="c">The case.</param>
    /// <param name="headline">What happened, one line; it is also in the subject.</param>
    /// <param name="lines">The paragraphs of the message.</param>
    public static MailContent Notice(CaseBrief c, string headline, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(lines);

        var subject = OneLine($"[{c.TenantName}] {headline}（案件 {c.CaseId}）");
        var w = new NoticeWriter(withText: true).Title(headline);
        foreach (var line in lines)
        {
            w.Para(line);
        }

        w.WriteCase(c, criteria: false);
        return new MailContent(subject, w.Text, Document(subject, w.Html));
    }

    // Mail clients may drop the head's stylesheet, so the buttons, which must look like buttons, carry their own.
    private static string ButtonStyle(DecisionAction action) =>
        "display:inline-block;margin:4px 8px 4px 0;padding:8px 18px;border-radius:6px;color:#fff;text-decoration:none;font-weight:bold;background:" +
        action switch { DecisionAction.Approve => "#1a7f37", DecisionAction.Return => "#9a6700", _ => "#cf222e" };
}
