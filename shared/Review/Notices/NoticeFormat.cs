using System.Globalization;
using System.Net;
using System.Text;

namespace LandRedevelopment.Review.Notices;

/// <summary>Formatting shared by the mails, pages and the determination: encoding, dates, labels and the page shell.</summary>
internal static class NoticeFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The one stylesheet of every page and mail. A constant, so a Content-Security-Policy can allow it by hash
    /// (pages carry no style attributes; only mail buttons do, for clients that drop the head).
    /// </summary>
    internal const string StyleSheet =
        "body{margin:0;padding:24px 12px;background:#f4f5f7;color:#1f2328;font:15px/1.6 \"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}" +
        "main{max-width:760px;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:24px}" +
        "h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:24px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}" +
        ".en,.note{color:#656d76;font-size:.9em;font-weight:normal}" +
        "dt{float:left;clear:left;width:10em;color:#656d76}dd{margin:0 0 4px 10.5em}" +
        ".warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px}" +
        ".overdue{color:#cf222e;font-weight:bold}" +
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}" +
        "textarea{width:100%;box-sizing:border-box;min-height:6em;font:inherit}" +
        ".btn{display:inline-block;margin:4px 8px 4px 0;padding:8px 18px;border:0;border-radius:6px;color:#fff;text-decoration:none;font:inherit;font-weight:bold;cursor:pointer}" +
        ".approve{background:#1a7f37}.return{background:#9a6700}.reject{background:#cf222e}" +
        ".comment{white-space:pre-line}" +
        ".doc main{font-family:\"Songti SC\",\"SimSun\",\"Noto Serif CJK SC\",serif}.doc h1{text-align:center;font-size:26px;letter-spacing:.3em}" +
        ".docno{text-align:center}.seal{text-align:right;margin-top:48px}";

    /// <summary>HTML-encodes a value for element content or a quoted attribute.</summary>
    public static string H(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);

    /// <summary>The value on one line: every run of line breaks and other control characters becomes a single space.</summary>
    public static string OneLine(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(value.Length);
        var broken = false;
        foreach (var ch in value)
        {
            if (char.IsControl(ch) || ch is '\u2028' or '\u2029')
            {
                broken = true;
                continue;
            }

            if (broken)
            {
                sb.Append(' ');
                broken = false;
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }

    /// <summary>
    /// An encoded <c>href</c>/<c>action</c> value. Accepts absolute http(s) URLs and, unless
    /// <paramref name="absolute"/>, scheme-less references (not <c>//host</c>); anything else, notably
    /// <c>javascript:</c>, is refused.
    /// </summary>
    public static string Href(string url, string paramName, bool absolute = false)
    {
        ArgumentNullException.ThrowIfNull(url, paramName);
        var end = url.AsSpan().IndexOfAny('/', '?', '#');
        var hasScheme = url.AsSpan(0, end < 0 ? url.Length : end).Contains(':');
        var ok = url.Length > 0 && !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) &&
            (hasScheme
                ? Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                : !absolute && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal));
        return ok ? H(url) : throw new ArgumentException($"'{url}' is not an http(s) URL{(absolute ? "" : " or a relative reference")}.", paramName);
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", Inv);

    /// <summary>The instant in <paramref name="zone"/>, e.g. <c>2025-03-05 17:30 Asia/Shanghai</c>.</summary>
    public static string Instant(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", Inv) + " " + zone.Id;

    /// <summary>The local date in <paramref name="zone"/> as 2025年3月5日.</summary>
    public static string ChineseDate(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return string.Create(Inv, $"{local.Year}年{local.Month}月{local.Day}日");
    }

    /// <summary>The local date and time in <paramref name="zone"/> as 2025年3月5日 17:30.</summary>
    public static string ChineseDateTime(DateTimeOffset at, TimeZoneInfo zone) =>
        ChineseDate(at, zone) + " " + TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", Inv);

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(Inv, $"{bytes} B"),
        < 1024 * 1024 => string.Create(Inv, $"{bytes / 1024.0:0.0} KB"),
        _ => string.Create(Inv, $"{bytes / (1024.0 * 1024):0.0} MB"),
    };

    /// <summary>The action as a mail link calls it.</summary>
    public static string LinkLabel(DecisionAction action) => action switch
    {
        DecisionAction.Approve => "批准",
        DecisionAction.Return => "退回补充材料",
        DecisionAction.Reject => "不予认定",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown decision action."),
    };

    /// <summary>The action as a confirmation button calls it.</summary>
    public static string ConfirmLabel(DecisionAction action) => action == DecisionAction.Return ? "确认退回" : "确认" + LinkLabel(action);

    /// <summary>The action as a record of decisions calls it.</summary>
    public static string RecordLabel(DecisionAction action) => action == DecisionAction.Return ? "退回" : LinkLabel(action);

    /// <summary>The parcel as label/value pairs.</summary>
    public static IEnumerable<(string Label, string Value)> ParcelFacts(CaseBrief c) =>
    [
        ("宗地编号 Land code", c.LandCode),
        ("所在区域 District", c.District),
        ("土地用途 Land use", c.LandUse),
        ("面积 Area", string.Create(Inv, $"{c.AreaM2:0.00} 平方米（{c.AreaMu:0.00} 亩）")),
    ];

    /// <summary>The step as label/value pairs, its deadline in <paramref name="zone"/>.</summary>
    public static IEnumerable<(string Label, string Value)> StepFacts(StepBrief s, TimeZoneInfo zone) =>
    [
        ("环节名称 Step", string.Create(Inv, $"{s.StepName}（第 {s.Attempt} 次审查）")),
        ("审批角色 Role", s.Role),
        ("依据 Basis", s.Source),
        ("办理期限 Last day", Day(s.LastDay)),
        ("截止时间 Due", Instant(s.DueAt, zone) + (s.Overdue ? "（已逾期 overdue）" : "")),
    ];

    /// <summary>Writes the case: the parcel, the screening outcome and, when asked, the criteria met and the flags.</summary>
    public static NoticeWriter WriteCase(this NoticeWriter w, CaseBrief c, bool criteria, bool explanations = false)
    {
        w.Heading("宗地信息", "Parcel").Facts([.. ParcelFacts(c), ("初筛结果 Screening", c.Outcome)]);
        if (!criteria)
        {
            return w;
        }

        w.Heading("符合的认定情形", "Criteria met");
        if (c.CriteriaMet.Count == 0)
        {
            w.Para("无 None");
        }
        else
        {
            w.List(c.CriteriaMet.Select(k => (k.Description,
                (IReadOnlyList<string>)(explanations ? ["依据：" + k.Source, "说明：" + k.Explanation] : ["依据：" + k.Source]))));
        }

        if (c.Flags.Count > 0)
        {
            w.Heading("提示", "Flags").List(c.Flags.Select(f => (f, (IReadOnlyList<string>)[])));
        }

        return w;
    }

    /// <summary>Writes the rules in principle the plan departs from, each with its article; nothing when it departs from none.</summary>
    public static NoticeWriter WriteDepartures(this NoticeWriter w, IReadOnlyList<DepartureBrief> departures)
    {
        if (departures.Count == 0)
        {
            return w;
        }

        return w.Heading("方案偏离原则性规定", "Departures from rules in principle")
            .Para("本方案不符合政策中“原则上”适用的下列规定。方案已受理，是否同意其偏离，由审批人员决定。 The plan departs from these rules, which the policy states in principle: it was taken, and whether the departure is acceptable is for the approving officers to decide.", "warn")
            .List(departures.Select(d => ($"{d.Description}（{d.ConditionId}）", (IReadOnlyList<string>)["依据：" + d.Source, "说明：" + d.Explanation])));
    }

    /// <summary>A complete HTML5 document around <paramref name="bodyHtml"/>; <paramref name="bodyAttributes"/> is trusted, already encoded.</summary>
    public static string Document(string title, string bodyHtml, string bodyAttributes = "") =>
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n" +
        "<title>" + H(OneLine(title)) + "</title>\n<style>" + StyleSheet + "</style>\n</head>\n" +
        "<body" + bodyAttributes + ">\n<main>\n" + bodyHtml + "</main>\n</body>\n</html>\n";
}

/// <summary>
/// Writes a plain-text body and an HTML fragment side by side, so a mail's two bodies say the same thing.
/// Values are encoded here: text is kept to one line per call (no value can forge a line), HTML is encoded,
/// except in <see cref="Raw"/>, whose HTML the caller has encoded.
/// </summary>
internal sealed class NoticeWriter(bool withText)
{
    private readonly StringBuilder? _text = withText ? new StringBuilder() : null;
    private readonly StringBuilder _html = new();

    public string Text => _text?.ToString() ?? string.Empty;

    public string Html => _html.ToString();

    public NoticeWriter Title(string title) => Raw(title, "<h1>" + NoticeFormat.H(title) + "</h1>\n");

    public NoticeWriter Heading(string zh, string en)
    {
        _text?.Append('\n');
        return Raw(zh + " " + en, $"<h2>{NoticeFormat.H(zh)} <span class=\"en\">{NoticeFormat.H(en)}</span></h2>\n");
    }

    public NoticeWriter Para(string text, string? cssClass = null) =>
        Raw(text, (cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">") + NoticeFormat.H(text) + "</p>\n");

    public NoticeWriter Facts(IEnumerable<(string Label, string Value)> facts)
    {
        _html.Append("<dl>\n");
        foreach (var (label, value) in facts)
        {
            Raw(label + "：" + value, $"<dt>{NoticeFormat.H(label)}</dt><dd>{NoticeFormat.H(value)}</dd>\n");
        }

        _html.Append("</dl>\n");
        return this;
    }

    public NoticeWriter List(IEnumerable<(string Main, IReadOnlyList<string> Notes)> items)
    {
        _html.Append("<ul>\n");
        foreach (var (main, notes) in items)
        {
            Raw("- " + main, "<li>" + NoticeFormat.H(main));
            foreach (var note in notes)
            {
                Raw("  " + note, "<div class=\"note\">" + NoticeFormat.H(note) + "</div>");
            }

            _html.Append("</li>\n");
        }

        _html.Append("</ul>\n");
        return this;
    }

    /// <summary>Appends <paramref name="text"/> as one text line (none when null) and <paramref name="html"/> as is.</summary>
    public NoticeWriter Raw(string? text, string? html)
    {
        if (text is not null)
        {
            _text?.Append(NoticeFormat.OneLine(text)).Append('\n');
        }

        _html.Append(html);
        return this;
    }
}
