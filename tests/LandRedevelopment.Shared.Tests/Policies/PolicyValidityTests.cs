using LandRedevelopment.Policies;
using LandRedevelopment.Review.Notices;

namespace LandRedevelopment.Shared.Tests.Policies;

public class PolicyValidityTests
{
    private static PolicyDocument Urumqi => SeedPolicies.Get("urumqi").Policy;

    private static SourceValidity UrumqiPlan(DateOnly today) => PolicyValidity.Of(Urumqi, today).Single(s => s.Id == "乌鲁木齐");

    [Theory]
    [InlineData("2026-11-23", SourceValidityState.InForce, 311, null)]
    [InlineData("2027-07-01", SourceValidityState.InForce, 91, null)]
    [InlineData("2027-07-02", SourceValidityState.EndingSoon, 90, "ends-in-90-days")]
    [InlineData("2027-08-30", SourceValidityState.EndingSoon, 31, "ends-in-90-days")]
    [InlineData("2027-08-31", SourceValidityState.EndingSoon, 30, "ends-in-30-days")]
    [InlineData("2027-09-30", SourceValidityState.EndingSoon, 0, "ends-in-30-days")] // the last valid day is still in force
    [InlineData("2027-10-01", SourceValidityState.Expired, -1, "expired")]
    [InlineData("2029-01-01", SourceValidityState.Expired, -459, "expired")]
    public void Urumqis_pilot_plan_valid_to_30_September_2027_is_told_90_and_30_days_ahead_and_once_expired(string today, SourceValidityState state, int daysLeft, string? notice)
    {
        var source = UrumqiPlan(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((state, (int?)daysLeft), (source.State, source.DaysLeft));
        Assert.Equal(notice, PolicyValidity.NoticeDue(source));
    }

    [Fact]
    public void A_source_without_dates_is_in_force_and_never_noticed()
    {
        var national = PolicyValidity.Of(Urumqi, new DateOnly(2040, 1, 1)).Single(s => s.Id == "自然资发〔2023〕171号");

        Assert.Equal((SourceValidityState.InForce, (int?)null), (national.State, national.DaysLeft));
        Assert.Null(PolicyValidity.NoticeDue(national));
    }

    [Fact]
    public void A_source_not_yet_in_force_says_so_and_calls_for_no_notice()
    {
        // 佳木斯's plan took effect on 2025-10-17.
        var jiamusi = PolicyValidity.Of(SeedPolicies.Get("jiamusi").Policy, new DateOnly(2025, 10, 16)).First();

        Assert.Equal(SourceValidityState.NotYetInForce, jiamusi.State);
        Assert.Null(PolicyValidity.NoticeDue(jiamusi));
        Assert.Equal(SourceValidityState.InForce, PolicyValidity.Of(SeedPolicies.Get("jiamusi").Policy, new DateOnly(2025, 10, 17)).First().State);
    }

    [Fact]
    public void A_notice_is_keyed_by_its_source_and_last_valid_day_so_an_extension_is_told_again()
    {
        var source = UrumqiPlan(new DateOnly(2027, 9, 1));
        var extended = source with { ValidUntil = new DateOnly(2028, 9, 30) };

        Assert.Equal("乌鲁木齐|2027-09-30|ends-in-30-days", PolicyValidity.NoticeKey(source, "ends-in-30-days"));
        Assert.NotEqual(PolicyValidity.NoticeKey(source, "ends-in-30-days"), PolicyValidity.NoticeKey(extended, "ends-in-30-days"));
    }

    [Fact]
    public void The_mail_names_the_document_its_last_day_and_what_the_service_does_meanwhile()
    {
        var ending = PolicyMails.SourceValidity("乌鲁木齐市", Urumqi.Name, 3, UrumqiPlan(new DateOnly(2027, 9, 1)), "ends-in-30-days");
        var ended = PolicyMails.SourceValidity("乌鲁木齐市", Urumqi.Name, 3, UrumqiPlan(new DateOnly(2027, 10, 1)), "expired");

        Assert.Equal("[乌鲁木齐市] 政策依据即将到期：乌鲁木齐（有效期至 2027-09-30，剩余 29 天）", ending.Subject);
        Assert.Equal("[乌鲁木齐市] 政策依据已过有效期：乌鲁木齐（有效期至 2027-09-30）", ended.Subject);
        Assert.Contains("第 3 版", ending.Text, StringComparison.Ordinal);
        Assert.Contains("有效期至：2027-09-30", ended.Text, StringComparison.Ordinal);
        Assert.Contains("keeps applying the current policy", ended.Text, StringComparison.Ordinal);
        Assert.Contains("&lt;", PolicyMails.SourceValidity("<b>市", "p", 1, UrumqiPlan(new DateOnly(2027, 9, 1)), "ends-in-30-days").Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-30", new int[0], new[] { 2026 })]
    [InlineData("2026-11-30", new[] { 2026 }, new int[0])]
    [InlineData("2026-12-01", new[] { 2026 }, new[] { 2027 })] // from 1 December next year's is needed
    [InlineData("2026-12-31", new[] { 2026, 2027 }, new int[0])]
    [InlineData("2027-01-01", new[] { 2026 }, new[] { 2027 })]
    public void The_calendars_needed_are_this_years_and_from_December_the_next(string today, int[] loaded, int[] missing) =>
        Assert.Equal(missing, PolicyValidity.CalendarYearsMissing(loaded, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void The_calendar_mail_says_what_goes_wrong_without_it_and_how_to_load_it()
    {
        var mail = PolicyMails.CalendarMissing("克拉玛依市", "karamay", 2027);

        Assert.Equal("[克拉玛依市] 尚未载入2027年节假日安排", mail.Subject);
        Assert.Contains("只按周末计算", mail.Text, StringComparison.Ordinal);
        Assert.Contains("PUT /api/admin/tenants/karamay/calendars/2027", mail.Text, StringComparison.Ordinal);
    }
}
