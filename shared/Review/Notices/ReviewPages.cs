using System.Security.Cryptography;
using System.Text;
using static LandRedevelopment.Review.Notices.NoticeFormat;

namespace LandRedevelopment.Review.Notices;

/// <summary>
/// The pages a decision link leads to: complete HTML5 documents in Chinese with brief English, styled by one
/// constant stylesheet, without scripts and without external resources. Every value is encoded.
/// </summary>
public static class ReviewPages
{
    /// <summary>
    /// A Content-Security-Policy for these pages: nothing may load, the one stylesheet is allowed by its hash,
    /// and forms may post only to the page's own origin.
    /// </summary>
    public static string ContentSecurityPolicy { get; } =
        "default-src 'none'; style-src 'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(StyleSheet))) +
        "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The page a GET of a decision link shows: the case, its evidence, the step and a form that records the
    /// decision when posted. Opening it decides nothing.
    /// </summary>
    /// <param name="c">The case.</param>
    /// <param name="step">The step the link decides.</param>
    /// <param name="action">The link's action; a return requires a comment.</param>
    /// <param name="officerName">The officer the link was mailed to.</param>
    /// <param name="evidence">The evidence filed with the case.</param>
    /// <param name="formAction">Where the form posts: an http(s) URL or a relative reference.</param>
    /// <param name="zone">The tenant's time zone, for the due instant.</param>
    /// <param name="departures">For a plan's step, the rules in principle the plan departs from.</param>
    /// <exception cref="ArgumentException">A URL is not an http(s) URL or a relative reference.</exception>
    public static string Confirmation(
        CaseBrief c, StepBrief step, DecisionAction action, string officerName, IReadOnlyList<EvidenceLink> evidence,
        string formAction, TimeZoneInfo zone, IReadOnlyList<DepartureBrief>? departures = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(zone);

        var wire = action.ToWire();
        var confirm = ConfirmLabel(action);
        var title = $"{confirm}：{c.LandCode} {step.StepName}";
        var w = new NoticeWriter(withText: false)
            .Title(title)
            .Para($"{officerName}，您正在对{c.TenantName}案件 {c.CaseId} 的「{step.StepName}」环节作出决定：{LinkLabel(action)}。")
            .Para($"尚未作出任何决定：只有按下本页底部的“{confirm}”按钮后，您的决定才会被记录。", "warn")
            .Para("Nothing has been decided yet; your decision is recorded only when you press the button at the bottom of this page.", "en");
        if (step.Overdue)
        {
            w.Para("本环节已逾期。 This step is overdue.", "overdue");
        }

        w.WriteCase(c, criteria: true, explanations: true)
            .WriteDepartures(departures ?? [])
            .Heading("证据材料", "Evidence")
            .Raw(null, EvidenceTable(evidence))
            .Heading("审批环节", "Step").Facts(StepFacts(step, zone))
            .Heading(confirm, "Confirm")
            .Raw(null, Form(action, wire, confirm, formAction));
        return Document(title, w.Html, $" data-case=\"{H(c.CaseId)}\"");
    }

    /// <summary>A result page, e.g. decision recorded, already decided, link expired, link invalid. No form.</summary>
    /// <param name="title">The page's heading.</param>
    /// <param name="message">What happened and what to do now.</param>
    /// <param name="facts">Label/value pairs shown as a definition list, e.g. the case and the decision.</param>
    public static string Outcome(string title, string message, IReadOnlyList<(string Label, string Value)> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var w = new NoticeWriter(withText: false).Title(title).Para(message);
        if (facts.Count > 0)
        {
            w.Facts(facts);
        }

        return Document(title, w.Html);
    }

    private static string EvidenceTable(IReadOnlyList<EvidenceLink> evidence)
    {
        if (evidence.Count == 0)
        {
            return "<p>尚无证据材料。 No evidence filed.</p>\n";
        }

        var sb = new StringBuilder("<table>\n<tr><th>文件 File</th><th>类型 Type</th><th>大小 Size</th><th>状态 Status</th><th></th></tr>\n");
        foreach (var e in evidence)
        {
            var open = e.Url is null ? "" : $"<a href=\"{Href(e.Url, nameof(evidence))}\" rel=\"noreferrer\">查看 Open</a>";
            sb.Append($"<tr><td>{H(e.Name)}</td><td>{H(e.ContentType)}</td><td>{H(Size(e.Size))}</td><td>{H(e.Status)}</td><td>{open}</td></tr>\n");
        }

        return sb.Append("</table>\n").ToString();
    }

    private static string Form(DecisionAction action, string wire, string confirm, string formAction)
    {
        var needsComment = action == DecisionAction.Return;
        return $"<form method=\"post\" action=\"{Href(formAction, nameof(formAction))}\" data-action=\"{wire}\">\n" +
            $"<p><label for=\"comment\">审批意见 Comment{(needsComment ? "（必填 required）" : "（可选 optional）")}</label></p>\n" +
            $"<textarea id=\"comment\" name=\"comment\" maxlength=\"2000\"{(needsComment ? " required" : "")}></textarea>\n" +
            (needsComment ? "<p class=\"note\">退回须填写意见，说明需要补充或修改的材料。 A return needs a comment saying what to add or change.</p>\n" : "") +
            $"<p><button type=\"submit\" class=\"btn {wire}\">{H(confirm)}</button></p>\n</form>\n";
    }
}
