using System.Globalization;
using System.Text;
using static LandRedevelopment.Review.Notices.NoticeFormat;

namespace LandRedevelopment.Review.Notices;

/// <summary>
/// The written determination (低效用地认定书) as a complete HTML5 document in Chinese. Deterministic: the same
/// facts always give the same bytes; dates are written in the tenant's zone.
/// </summary>
public static class DeterminationNotice
{
    /// <summary>Renders the determination.</summary>
    /// <param name="f">What the determination states.</param>
    /// <exception cref="ArgumentException">No criterion is met: there is nothing to determine.</exception>
    public static string Render(DeterminationFacts f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var c = f.Case;
        if (c.CriteriaMet.Count == 0)
        {
            throw new ArgumentException("A determination states at least one criterion met.", nameof(f));
        }

        var year = TimeZoneInfo.ConvertTime(f.IssuedAt, f.Zone).Year.ToString(CultureInfo.InvariantCulture);
        var number = $"{c.TenantName}低效认字〔{year}〕{c.CaseId}号";
        var w = new NoticeWriter(withText: false)
            .Title("低效用地认定书")
            .Raw(null, $"<p class=\"docno\">{H(number)}</p>\n")
            .Heading("宗地基本情况", "Parcel").Facts(ParcelFacts(c))
            .Heading("认定意见", "Determination")
            .Para("经审查，该宗地符合下列低效用地认定情形，认定为低效用地：");

        var sb = new StringBuilder("<ol>\n");
        foreach (var k in c.CriteriaMet)
        {
            sb.Append($"<li><p>{H(k.Description)}</p><p class=\"note\">依据：{H(k.Source)}</p></li>\n");
        }

        sb.Append("</ol>\n");
        w.Raw(null, sb.ToString())
            .Heading("审查程序", "Review")
            .Para($"本案按照{f.ChainName}（依据：{f.ChainSource}）进行审查，审查意见如下：")
            .Raw(null, DecisionTable(f.Decisions, f.Zone))
            .Para($"本认定书经{f.IssuingStepName}环节审定作出（依据：{f.IssuingSource}）。");

        if (f.PlanDeadlineText is not null || f.ReclamationWarnings.Count > 0)
        {
            w.Heading("后续事项", "Next steps");
            if (f.PlanDeadlineText is not null)
            {
                var basis = f.PlanDeadlineSource is null ? "" : $"（依据：{f.PlanDeadlineSource}）";
                w.Para($"请自本认定书送达之日起{f.PlanDeadlineText}内提交再开发实施方案{basis}。");
            }

            foreach (var warning in f.ReclamationWarnings)
            {
                w.Para(warning);
            }
        }

        w.Raw(null, $"<div class=\"seal\"><p>{H(c.TenantName)}</p><p>{H(ChineseDate(f.IssuedAt, f.Zone))}</p></div>\n");
        return Document("低效用地认定书 " + number, w.Html, " class=\"doc\"");
    }

    /// <summary>
    /// A period in Chinese legal style, parts joined in order: (0,6,0,0) → 六个月, (2,0,0,0) → 二年,
    /// (0,0,15,0) → 十五日, (0,0,0,20) → 二十个工作日, (1,6,0,0) → 一年六个月. Numbers 1–99 in Chinese numerals
    /// (二, never 两), larger numbers in digits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A part is negative.</exception>
    /// <exception cref="ArgumentException">Every part is zero.</exception>
    public static string PeriodText(int years, int months, int days, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(years);
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        if (years + (long)months + days + workingDays == 0)
        {
            throw new ArgumentException("A period has at least one non-zero part.");
        }

        static string Part(int n, string unit) => n == 0 ? "" : Numeral(n) + unit;
        return Part(years, "年") + Part(months, "个月") + Part(days, "日") + Part(workingDays, "个工作日");
    }

    private static string Numeral(int n)
    {
        const string Digits = "〇一二三四五六七八九";
        return n switch
        {
            < 10 => Digits[n].ToString(),
            < 20 => "十" + (n % 10 == 0 ? "" : Digits[n % 10].ToString()),
            < 100 => Digits[n / 10] + "十" + (n % 10 == 0 ? "" : Digits[n % 10].ToString()),
            _ => n.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string DecisionTable(IReadOnlyList<DecisionBrief> decisions, TimeZoneInfo zone)
    {
        if (decisions.Count == 0)
        {
            return "<p>无审查记录。</p>\n";
        }

        var sb = new StringBuilder("<table>\n<tr><th>环节</th><th>审查人</th><th>意见</th><th>时间</th><th>说明</th></tr>\n");
        foreach (var d in decisions)
        {
            sb.Append($"<tr><td>{H(d.StepName)}</td><td>{H(d.OfficerId)}</td><td>{H(RecordLabel(d.Action))}</td>" +
                $"<td>{H(ChineseDateTime(d.At, zone))}</td><td class=\"comment\">{H(d.Comment ?? "—")}</td></tr>\n");
        }

        return sb.Append("</table>\n").ToString();
    }
}
