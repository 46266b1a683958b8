using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Notices;
using static LandRedevelopment.Shared.Tests.Review.Notices.NoticeTestData;

namespace LandRedevelopment.Shared.Tests.Review.Notices;

public class ReviewPagesTests
{
    private const string FormAction = "/api/review/decide?token=v1.abc&x=1";

    private static string Page(DecisionAction action = DecisionAction.Approve, CaseBrief? c = null, StepBrief? step = null,
        string officer = "王芳", IReadOnlyList<EvidenceLink>? evidence = null) =>
        ReviewPages.Confirmation(c ?? Case(), step ?? Step(), action, officer, evidence ?? EvidenceFiles(), FormAction, Shanghai);

    private static string Textarea(string page) => Regex.Match(page, "<textarea[^>]*>").Value;

    [Fact]
    public void A_return_requires_a_comment_and_says_so()
    {
        var page = Page(DecisionAction.Return);

        Assert.Contains(" required", Textarea(page));
        Assert.Contains("退回须填写意见", page);
    }

    [Theory]
    [InlineData(DecisionAction.Approve)]
    [InlineData(DecisionAction.Reject)]
    public void Approve_and_reject_do_not_require_a_comment(DecisionAction action)
    {
        var page = Page(action);

        Assert.DoesNotContain("required", Textarea(page));
        Assert.DoesNotContain("退回须填写意见", page);
    }

    [Theory]
    [InlineData(DecisionAction.Approve, "approve", "确认批准")]
    [InlineData(DecisionAction.Return, "return", "确认退回")]
    [InlineData(DecisionAction.Reject, "reject", "确认不予认定")]
    public void The_form_posts_the_comment_with_one_button_named_for_the_action(DecisionAction action, string wire, string label)
    {
        var page = Page(action);

        var form = Regex.Match(page, "<form[^>]*>").Value;
        Assert.Equal($"<form method=\"post\" action=\"/api/review/decide?token=v1.abc&amp;x=1\" data-action=\"{wire}\">", form);
        Assert.Single(Regex.Matches(page, "<form"));
        Assert.Contains("name=\"comment\"", Textarea(page));
        Assert.Contains("maxlength=\"2000\"", Textarea(page));
        var buttons = Regex.Matches(page, "<button[^>]*>([^<]*)</button>");
        Assert.Equal(label, Assert.Single(buttons).Groups[1].Value);
        Assert.Contains("type=\"submit\"", buttons[0].Value);
    }

    [Fact]
    public void The_page_says_nothing_has_been_decided_yet_and_names_the_case()
    {
        var page = Page();

        Assert.Contains("尚未作出任何决定", page);
        Assert.Contains("Nothing has been decided yet", page);
        Assert.Contains("<body data-case=\"CASE-2025-0042\">", page);
    }

    [Fact]
    public void The_page_shows_the_parcel_screening_criteria_with_sources_and_explanations_flags_and_the_step()
    {
        var page = Page();

        Assert.Contains("440304-001-0042", page);
        Assert.Contains("福田区", page);
        Assert.Contains("工业用地", page);
        Assert.Contains("1234.57 平方米（1.85 亩）", page);
        Assert.Contains("疑似低效用地", page);
        foreach (var k in Case().CriteriaMet)
        {
            Assert.Contains(k.Description, page);
            Assert.Contains("依据：" + k.Source, page);
            Assert.Contains("说明：" + k.Explanation.Replace("<", "&lt;", StringComparison.Ordinal), page);
        }

        Assert.Contains("与宗地 440304-001-0043 存在重叠", page);
        Assert.Contains("区级审查", page);
        Assert.Contains("《深圳市低效用地认定办法》第十二条", page);
        Assert.Contains("2025-03-07 23:59 Asia/Shanghai", page);
        Assert.DoesNotContain("已逾期", page);
    }

    [Fact]
    public void An_overdue_step_is_marked_overdue()
    {
        Assert.Contains("已逾期", Page(step: Step(overdue: true)));
    }

    [Fact]
    public void Evidence_is_listed_and_linked_only_when_it_has_a_url()
    {
        var page = Page();

        Assert.Contains("现状照片.jpg", page);
        Assert.Contains("image/jpeg", page);
        Assert.Contains("2.3 MB", page);
        Assert.Contains("已扫描", page);
        Assert.Contains("测绘报告.pdf", page);
        Assert.Contains("800 B", page);
        Assert.Contains("扫描中", page);
        var anchors = Regex.Matches(page, "<a [^>]*>");
        Assert.Equal("<a href=\"https://blob.example/e/1.jpg?sig=a&amp;se=b\" rel=\"noreferrer\">", Assert.Single(anchors).Value);
        Assert.Contains("尚无证据材料", Page(evidence: []));
    }

    [Fact]
    public void Hostile_values_are_encoded_and_the_page_has_no_script()
    {
        var evidence = new[] { new EvidenceLink(Hostile, Hostile, 1, Hostile, null) };
        var c = Case(landCode: Hostile, tenantName: Hostile, caseId: "\"><script>x</script>", flag: Hostile) with
        {
            CriteriaMet = [new("k", Hostile, Hostile, Hostile)],
        };

        var page = Page(DecisionAction.Return, c, Step(name: Hostile), Hostile, evidence);

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert('x')", page);
        Assert.Contains("data-case=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"", page);
        Assert.DoesNotContain('<', WithoutMarkup(page));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example/x")]
    [InlineData("/a\" onmouseover=\"x")]
    public void A_form_action_or_evidence_url_that_is_not_a_plain_reference_is_refused(string url)
    {
        Assert.Throws<ArgumentException>(() =>
            ReviewPages.Confirmation(Case(), Step(), DecisionAction.Approve, "王芳", [], url, Shanghai));
        Assert.Throws<ArgumentException>(() => Page(evidence: [new("a.pdf", "application/pdf", 1, "ok", url)]));
    }

    [Fact]
    public void Pages_are_complete_documents_styled_only_by_the_stylesheet_the_policy_allows()
    {
        var pages = new[] { Page(), ReviewPages.Outcome("已记录", "您的决定已记录。", [("案件", "CASE-1")]) };

        foreach (var page in pages)
        {
            Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">", page);
            Assert.Contains("<meta charset=\"utf-8\">", page);
            Assert.DoesNotContain("style=", page);
            Assert.DoesNotContain("src=", page);
            Assert.DoesNotContain("<link", page);
            var style = Regex.Match(page, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
            var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
            Assert.Contains($"style-src 'sha256-{hash}'", ReviewPages.ContentSecurityPolicy);
        }

        Assert.Contains("default-src 'none'", ReviewPages.ContentSecurityPolicy);
    }

    [Fact]
    public void An_outcome_page_has_its_title_message_and_facts_and_no_form()
    {
        var page = ReviewPages.Outcome("链接已过期", "请联系案件经办人重新发送 <链接>。", [("案件 Case", "CASE-2025-0042"), ("环节", Hostile)]);

        Assert.Contains("<title>链接已过期</title>", page);
        Assert.Contains("<h1>链接已过期</h1>", page);
        Assert.Contains("<p>请联系案件经办人重新发送 &lt;链接&gt;。</p>", page);
        Assert.Contains("<dt>案件 Case</dt><dd>CASE-2025-0042</dd>", page);
        Assert.Contains("<dt>环节</dt><dd>&lt;script&gt;", page);
        Assert.DoesNotContain("<form", page);
        Assert.DoesNotContain("<script", page);
    }
}
