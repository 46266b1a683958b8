using System.Text.RegularExpressions;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Notices;

namespace LandRedevelopment.Shared.Tests.Review.Notices;

// TEST DATA: a made-up tenant, case, parcel and officers.
internal static class NoticeTestData
{
    public const string Hostile = "<script>alert('x')</script>";

    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static CaseBrief Case(string landCode = "440304-001-0042", string tenantName = "深圳市", string caseId = "CASE-2025-0042",
        string flag = "与宗地 440304-001-0043 存在重叠") =>
        new("shenzhen", tenantName, caseId, landCode, "福田区", "工业用地", 1234.5678m, 1.851852m, "疑似低效用地",
            [
                new("plot-ratio", "容积率低于 0.8 的工业用地", "《深圳市低效用地认定办法》第五条第一项：容积率低于0.8的工业用地", "容积率 0.55 < 0.8"),
                new("output", "亩均税收低于全市平均水平 50%", "《深圳市低效用地认定办法》第五条第三项", "亩均税收 8 万元"),
            ],
            [flag]);

    // Due at 2025-03-07 15:59 UTC, which is 23:59 on the 7th in Shanghai.
    public static StepBrief Step(string name = "区级审查", bool overdue = false) =>
        new("district-review", name, 2, "district-officer", "《深圳市低效用地认定办法》第十二条", new DateOnly(2025, 3, 7),
            new DateTimeOffset(2025, 3, 7, 15, 59, 0, TimeSpan.Zero), overdue);

    public static IReadOnlyList<ActionLink> Links() =>
    [
        new(DecisionAction.Approve, "https://x.example/api/review/abc?t=1&u=2"),
        new(DecisionAction.Return, "https://x.example/api/review/def"),
        new(DecisionAction.Reject, "https://x.example/api/review/ghi"),
    ];

    public static IReadOnlyList<EvidenceLink> EvidenceFiles() =>
    [
        new("现状照片.jpg", "image/jpeg", 2_411_724, "已扫描", "https://blob.example/e/1.jpg?sig=a&se=b"),
        new("测绘报告.pdf", "application/pdf", 800, "扫描中", null),
    ];

    public static string[] Lines(string text) => text.Split('\n');

    // The document with its tags removed: tags are a letter-led name and attributes whose values hold no '<', '>' or raw '"'.
    public static string WithoutMarkup(string html) =>
        Regex.Replace(html, "<!DOCTYPE html>|</?[a-z][a-z0-9]*(\\s+[a-z-]+(=\"[^\"<>]*\")?)*\\s*>", "");
}
