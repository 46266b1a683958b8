using System.Text.RegularExpressions;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Notices;
using static LandRedevelopment.Shared.Tests.Review.Notices.NoticeTestData;

namespace LandRedevelopment.Shared.Tests.Review.Notices;

public class DeterminationNoticeTests
{
    // 2025-12-31 16:30 UTC is 2026-01-01 00:30 in Shanghai: the year, the date and the number are the local ones.
    private static readonly DateTimeOffset IssuedAt = new(2025, 12, 31, 16, 30, 0, TimeSpan.Zero);

    private static DeterminationFacts Facts(string? planDeadline = "六个月", string comment = "材料齐全，同意。", CaseBrief? c = null) => new(
        c ?? Case(),
        "工业用地认定审查链", "《深圳市低效用地认定办法》第十条",
        "市级审定", "《深圳市低效用地认定办法》第十四条",
        [
            new("区级审查", "officer-王芳", DecisionAction.Return, new DateTimeOffset(2025, 12, 1, 1, 5, 0, TimeSpan.Zero), "请补充测绘报告"),
            new("区级审查", "officer-王芳", DecisionAction.Approve, new DateTimeOffset(2025, 12, 10, 2, 0, 0, TimeSpan.Zero), comment),
            new("市级审定", "officer-李强", DecisionAction.Approve, IssuedAt, null),
        ],
        IssuedAt, Shanghai,
        planDeadline, planDeadline is null ? null : "《深圳市低效用地认定办法》第十八条",
        ["逾期未提交再开发实施方案的，依法收回土地使用权。", "闲置满二年的，依法无偿收回。"]);

    [Fact]
    public void The_notice_has_its_title_number_and_issuer_dated_in_the_zone()
    {
        var html = DeterminationNotice.Render(Facts());

        Assert.Contains("<h1>低效用地认定书</h1>", html);
        Assert.Contains("深圳市低效认字〔2026〕CASE-2025-0042号", html);
        Assert.Contains("<div class=\"seal\"><p>深圳市</p><p>2026年1月1日</p></div>", html);
        Assert.DoesNotContain("2025年12月31日", html);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
    }

    [Fact]
    public void The_notice_states_the_parcel_the_determination_and_every_criterion_with_its_article()
    {
        var html = DeterminationNotice.Render(Facts());

        Assert.Contains("440304-001-0042", html);
        Assert.Contains("福田区", html);
        Assert.Contains("工业用地", html);
        Assert.Contains("1234.57 平方米（1.85 亩）", html);
        Assert.Contains("经审查，该宗地符合下列低效用地认定情形，认定为低效用地", html);
        var items = Regex.Matches(html, "<li>(.*?)</li>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(2, items.Length);
        foreach (var (k, item) in Case().CriteriaMet.Zip(items))
        {
            Assert.Contains(k.Description, item);
            Assert.Contains("依据：" + k.Source, item);
        }
    }

    [Fact]
    public void The_notice_lists_the_chain_every_decision_in_the_zone_and_the_issuing_step()
    {
        var html = DeterminationNotice.Render(Facts());

        Assert.Contains("工业用地认定审查链（依据：《深圳市低效用地认定办法》第十条）", html);
        var rows = Regex.Matches(html, "<tr><td>(.*?)</tr>").Select(m => m.Value).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Equal("<tr><td>区级审查</td><td>officer-王芳</td><td>退回</td><td>2025年12月1日 09:05</td><td class=\"comment\">请补充测绘报告</td></tr>", rows[0]);
        Assert.Contains("<td>批准</td><td>2025年12月10日 10:00</td><td class=\"comment\">材料齐全，同意。</td>", rows[1]);
        Assert.Contains("<td>officer-李强</td><td>批准</td><td>2026年1月1日 00:30</td>", rows[2]);
        Assert.Contains("市级审定环节审定作出（依据：《深圳市低效用地认定办法》第十四条）", html);
    }

    [Fact]
    public void The_plan_deadline_paragraph_is_there_only_when_a_deadline_is_given()
    {
        var with = DeterminationNotice.Render(Facts("六个月"));
        var without = DeterminationNotice.Render(Facts(null));

        Assert.Contains("<p>请自本认定书送达之日起六个月内提交再开发实施方案（依据：《深圳市低效用地认定办法》第十八条）。</p>", with);
        Assert.DoesNotContain("再开发实施方案（", without);
        Assert.DoesNotContain("请自本认定书送达之日起", without);
    }

    [Fact]
    public void Each_reclamation_warning_is_a_paragraph()
    {
        var html = DeterminationNotice.Render(Facts(null));

        Assert.Contains("<p>逾期未提交再开发实施方案的，依法收回土地使用权。</p>", html);
        Assert.Contains("<p>闲置满二年的，依法无偿收回。</p>", html);
    }

    [Fact]
    public void Hostile_values_are_encoded()
    {
        var c = Case(landCode: Hostile, tenantName: Hostile) with { CriteriaMet = [new("k", Hostile, Hostile, Hostile)] };
        var facts = Facts(Hostile, Hostile, c) with { ChainName = Hostile, IssuingStepName = Hostile, ReclamationWarnings = [Hostile] };

        var html = DeterminationNotice.Render(facts);

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("alert('x')", html);
        Assert.Contains("<td class=\"comment\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>", html);
        Assert.DoesNotContain('<', WithoutMarkup(html));
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        Assert.Equal(DeterminationNotice.Render(Facts()), DeterminationNotice.Render(Facts()));
        Assert.NotEqual(DeterminationNotice.Render(Facts()), DeterminationNotice.Render(Facts(comment: "同意")));
    }

    [Fact]
    public void A_determination_without_a_criterion_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DeterminationNotice.Render(Facts(c: Case() with { CriteriaMet = [] })));
    }

    [Theory]
    [InlineData(0, 6, 0, 0, "六个月")]
    [InlineData(2, 0, 0, 0, "二年")]
    [InlineData(0, 2, 0, 0, "二个月")]
    [InlineData(0, 0, 15, 0, "十五日")]
    [InlineData(0, 0, 0, 20, "二十个工作日")]
    [InlineData(1, 6, 0, 0, "一年六个月")]
    [InlineData(0, 0, 1, 0, "一日")]
    [InlineData(0, 0, 10, 0, "十日")]
    [InlineData(0, 0, 11, 0, "十一日")]
    [InlineData(0, 0, 20, 0, "二十日")]
    [InlineData(0, 0, 21, 0, "二十一日")]
    [InlineData(0, 0, 99, 0, "九十九日")]
    [InlineData(0, 0, 100, 0, "100日")]
    [InlineData(0, 0, 365, 0, "365日")]
    [InlineData(1, 2, 3, 4, "一年二个月三日四个工作日")]
    public void Periods_are_written_in_chinese(int years, int months, int days, int workingDays, string expected)
    {
        Assert.Equal(expected, DeterminationNotice.PeriodText(years, months, days, workingDays));
    }

    [Fact]
    public void An_empty_or_negative_period_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DeterminationNotice.PeriodText(0, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterminationNotice.PeriodText(0, -1, 0, 0));
    }
}
