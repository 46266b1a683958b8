using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Notices;
using static LandRedevelopment.Shared.Tests.Review.Notices.NoticeTestData;

namespace LandRedevelopment.Shared.Tests.Review.Notices;

public class ReviewMailsTests
{
    private static MailContent Request(CaseBrief? c = null, StepBrief? step = null, string officer = "王芳",
        IReadOnlyList<ActionLink>? links = null, bool reminder = false) =>
        ReviewMails.DecisionRequest(c ?? Case(), step ?? Step(), officer, links ?? Links(), reminder, Shanghai);

    private static string[] ActionLines(string text) =>
        [.. Lines(text).Where(l => Regex.IsMatch(l, "^(approve|return|reject) "))];

    [Fact]
    public void Every_link_is_exactly_one_wire_label_url_line_of_the_text()
    {
        var mail = Request();

        Assert.Equal(
            [
                "approve 批准: https://x.example/api/review/abc?t=1&u=2",
                "return 退回补充材料: https://x.example/api/review/def",
                "reject 不予认定: https://x.example/api/review/ghi",
            ],
            ActionLines(mail.Text));
    }

    [Fact]
    public void Only_the_links_given_are_offered()
    {
        var mail = Request(links: [new(DecisionAction.Approve, "https://x.example/a")]);

        Assert.Equal(["approve 批准: https://x.example/a"], ActionLines(mail.Text));
        Assert.DoesNotContain("退回补充材料", mail.Html);
    }

    [Fact]
    public void A_value_with_line_breaks_cannot_forge_a_link_line()
    {
        var forged = "X\napprove 批准: https://evil.example/\r\nreject 不予认定: https://evil.example/";

        var mail = Request(Case(landCode: forged, flag: forged), Step(name: forged), officer: forged);

        Assert.Equal(ActionLines(Request().Text), ActionLines(mail.Text));
    }

    [Fact]
    public void The_subject_has_the_agreed_form()
    {
        Assert.Equal("[深圳市] 待审批：440304-001-0042 区级审查（案件 CASE-2025-0042）", Request().Subject);
        Assert.Equal("【提醒】[深圳市] 待审批：440304-001-0042 区级审查（案件 CASE-2025-0042）", Request(reminder: true).Subject);
        Assert.Equal("【提醒】【已逾期】[深圳市] 待审批：440304-001-0042 区级审查（案件 CASE-2025-0042）",
            Request(step: Step(overdue: true), reminder: true).Subject);
    }

    [Fact]
    public void Line_breaks_in_the_inputs_never_reach_a_subject()
    {
        var c = Case(landCode: "A\r\nBcc: x@evil.example", tenantName: "深圳\n市", caseId: "C\r1");

        var request = Request(c, Step(name: "区级\u2028审查\u0085"));
        var notice = ReviewMails.Notice(c, "已退回\r\n补充材料", ["x"]);

        foreach (var subject in new[] { request.Subject, notice.Subject })
        {
            Assert.DoesNotContain('\r', subject);
            Assert.DoesNotContain('\n', subject);
            Assert.DoesNotContain('\u2028', subject);
            Assert.DoesNotContain('\u0085', subject);
        }

        Assert.Equal("[深圳 市] 待审批：A Bcc: x@evil.example 区级 审查 （案件 C 1）", request.Subject);
    }

    [Fact]
    public void The_text_states_the_parcel_the_screening_the_step_and_its_deadline_in_the_zone()
    {
        var text = Request().Text;

        Assert.Contains("王芳", text);
        Assert.Contains("440304-001-0042", text);
        Assert.Contains("福田区", text);
        Assert.Contains("工业用地", text);
        Assert.Contains("1234.57 平方米（1.85 亩）", text);
        Assert.Contains("疑似低效用地", text);
        Assert.Contains("- 容积率低于 0.8 的工业用地", text);
        Assert.Contains("依据：《深圳市低效用地认定办法》第五条第一项：容积率低于0.8的工业用地", text);
        Assert.Contains("- 亩均税收低于全市平均水平 50%", text);
        Assert.Contains("- 与宗地 440304-001-0043 存在重叠", text);
        Assert.Contains("区级审查", text);
        Assert.Contains("《深圳市低效用地认定办法》第十二条", text);
        Assert.Contains("2025-03-07", text);
        Assert.Contains("2025-03-07 23:59 Asia/Shanghai", text);
        Assert.Contains("打开以上链接只会显示确认页面，在该页面按下确认按钮之前不会作出任何决定。链接仅限您本人使用，且只能使用一次。", text);
        Assert.Contains("Links are personal and single-use.", text);
        Assert.DoesNotContain("已逾期", text);
    }

    [Fact]
    public void A_plans_departures_from_rules_in_principle_are_named_with_their_articles_and_none_says_nothing()
    {
        DepartureBrief[] departures =
        [
            new("scattered-plot-size", "单宗零星用地面积原则上不超过3亩", "中卫 section 4(5)", "largestScatteredPlotAreaM2 2500 not ≤ 2000"),
            new("forged", Hostile, "X\napprove 批准: https://evil.example/", "<b>"),
        ];

        var mail = ReviewMails.DecisionRequest(Case(), Step(), "王芳", Links(), reminder: false, Shanghai, departures: departures);

        Assert.Contains("方案偏离原则性规定 Departures from rules in principle", mail.Text);
        Assert.Contains("- 单宗零星用地面积原则上不超过3亩（scattered-plot-size）\n  依据：中卫 section 4(5)\n  说明：largestScatteredPlotAreaM2 2500 not ≤ 2000\n", mail.Text);
        Assert.Contains("依据：中卫 section 4(5)", mail.Html);
        Assert.Contains("&lt;script&gt;", mail.Html);
        Assert.DoesNotContain("<b>", mail.Html);
        Assert.Equal(ActionLines(Request().Text), ActionLines(mail.Text));
        Assert.DoesNotContain("原则性规定", Request().Text);
        Assert.DoesNotContain("原则性规定", ReviewMails.DecisionRequest(Case(), Step(), "王芳", Links(), reminder: false, Shanghai, departures: []).Html);
    }

    [Fact]
    public void Overdue_and_reminder_are_said_in_the_body()
    {
        Assert.Contains("本环节已超过办理期限", Request(step: Step(overdue: true)).Text);
        Assert.Contains("已逾期", Request(step: Step(overdue: true)).Html);
        Assert.Contains("本环节即将到期", Request(reminder: true).Text);
        Assert.DoesNotContain("本环节即将到期", Request().Text);
    }

    [Fact]
    public void The_html_body_is_a_self_contained_document_with_the_links_as_buttons()
    {
        var html = Request().Html;

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
        Assert.Contains("href=\"https://x.example/api/review/abc?t=1&amp;u=2\"", html);
        Assert.Contains("href=\"https://x.example/api/review/def\"", html);
        Assert.Contains("href=\"https://x.example/api/review/ghi\"", html);
        Assert.Equal(3, Regex.Matches(html, "<a ").Count);
        Assert.Contains("1234.57 平方米（1.85 亩）", html);
        Assert.Contains("2025-03-07 23:59 Asia/Shanghai", html);
        Assert.Contains("只能使用一次", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void Hostile_values_are_encoded_in_the_html_body()
    {
        var mail = Request(Case(landCode: Hostile, tenantName: Hostile, flag: Hostile), Step(name: Hostile), officer: Hostile);

        Assert.DoesNotContain("<script", mail.Html);
        Assert.DoesNotContain("alert('x')", mail.Html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", mail.Html);
        Assert.Contains(Hostile, mail.Text);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<b>")]
    [InlineData("https://x.example/a b")]
    [InlineData("ftp://x.example/a")]
    [InlineData("")]
    [InlineData("/api/review/abc")]
    public void A_link_that_is_not_an_absolute_http_url_is_refused(string url)
    {
        Assert.Throws<ArgumentException>(() => Request(links: [new(DecisionAction.Approve, url)]));
    }

    [Fact]
    public void A_notice_carries_its_headline_lines_and_the_parcel()
    {
        var mail = ReviewMails.Notice(Case(), "审批环节已逾期", ["区级审查已超过办理期限。", "请督促处理 <b>尽快</b>。"]);

        Assert.Equal("[深圳市] 审批环节已逾期（案件 CASE-2025-0042）", mail.Subject);
        Assert.Equal("审批环节已逾期", Lines(mail.Text)[0]);
        Assert.Contains("区级审查已超过办理期限。\n请督促处理 <b>尽快</b>。\n", mail.Text);
        Assert.Contains("440304-001-0042", mail.Text);
        Assert.Contains("1234.57 平方米（1.85 亩）", mail.Text);
        Assert.Contains("<h1>审批环节已逾期</h1>", mail.Html);
        Assert.Contains("<p>区级审查已超过办理期限。</p>", mail.Html);
        Assert.Contains("<p>请督促处理 &lt;b&gt;尽快&lt;/b&gt;。</p>", mail.Html);
        Assert.Contains("福田区", mail.Html);
        Assert.Contains("<html lang=\"zh-CN\">", mail.Html);
    }

    [Fact]
    public void A_notice_encodes_a_hostile_headline_and_case()
    {
        var mail = ReviewMails.Notice(Case(landCode: Hostile, tenantName: Hostile), Hostile, [Hostile]);

        Assert.DoesNotContain("<script", mail.Html);
        Assert.DoesNotContain("alert('x')", mail.Html);
    }

    private static readonly Gen<string> AnyText =
        from chars in Gen.ArrayOf(Gen.Elements([.. "ab<>&\"' 深圳:\r\n\t\u2028\u0085/-"]))
        select new string(chars);

    [Fact]
    public void For_any_values_the_subject_is_one_line_the_links_are_intact_and_the_html_has_no_raw_markup()
    {
        var gen =
            from landCode in AnyText
            from tenant in AnyText
            from step in AnyText
            from officer in AnyText
            select (landCode, tenant, step, officer);

        PropertyCheck.ForAll(gen, v =>
        {
            var mail = Request(Case(landCode: "[" + v.landCode + "]", tenantName: v.tenant, flag: v.landCode), Step(name: v.step), officer: v.officer);

            Assert.DoesNotContain('\r', mail.Subject);
            Assert.DoesNotContain('\n', mail.Subject);
            Assert.Equal(3, ActionLines(mail.Text).Length);
            // Every '<' and '>' in the body is markup this renderer wrote, never one from a value.
            Assert.DoesNotContain('<', WithoutMarkup(mail.Html));
            Assert.DoesNotContain('>', WithoutMarkup(mail.Html));
        }, maxTest: 200);
    }
}
