using System.Text.Json.Serialization;

namespace LandRedevelopment.Policies;

/// <summary>Where a source document stands on a day, by the dates the policy gives it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceValidityState>))]
public enum SourceValidityState
{
    /// <summary>Its <c>inForce</c> date is still to come.</summary>
    NotYetInForce,

    /// <summary>In force (or no dates say otherwise), more than <see cref="PolicyValidity.EndingSoonDays"/> days before its last valid day.</summary>
    InForce,

    /// <summary>In force, and its last valid day is at most <see cref="PolicyValidity.EndingSoonDays"/> days away.</summary>
    EndingSoon,

    /// <summary>Its last valid day has passed.</summary>
    Expired,
}

/// <summary>One source document's validity on a day.</summary>
/// <param name="Id">The source's id, as rules cite it (e.g. 乌鲁木齐).</param>
/// <param name="Title">Its full title.</param>
/// <param name="InForce">The day it takes effect, where the policy gives one.</param>
/// <param name="ValidUntil">Its last valid day, where the policy gives one.</param>
/// <param name="State">Where it stands.</param>
/// <param name="DaysLeft">Days from the day asked about to <paramref name="ValidUntil"/> (0 on the last valid day, negative once expired); null without one.</param>
public sealed record SourceValidity(string Id, string Title, DateOnly? InForce, DateOnly? ValidUntil, SourceValidityState State, int? DaysLeft);

/// <summary>
/// The validity of a policy's source documents on a day: pilot plans and implementation opinions run for a fixed term
/// (乌鲁木齐's and 佳木斯's plans end on 2027-09-30), and a city whose rules rest on an expired document must replace or
/// extend them. Nothing is refused for it: the rules keep applying until the city's administrator changes the policy,
/// and the service tells them ahead of time (<see cref="NoticeDue"/>).
/// </summary>
public static class PolicyValidity
{
    /// <summary>How many days before a source's last valid day it counts as ending soon, and the first notice goes out.</summary>
    public const int EndingSoonDays = 90;

    /// <summary>How many days before the last valid day the second notice goes out.</summary>
    public const int FinalNoticeDays = 30;

    /// <summary>Each source of <paramref name="policy"/> as it stands on <paramref name="today"/> (a legal date in the tenant's zone).</summary>
    public static IReadOnlyList<SourceValidity> Of(PolicyDocument policy, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Sources.Select(s =>
        {
            int? daysLeft = s.ValidUntil is { } until ? until.DayNumber - today.DayNumber : null;
            var state = s.InForce is { } from && today < from ? SourceValidityState.NotYetInForce
                : daysLeft < 0 ? SourceValidityState.Expired
                : daysLeft <= EndingSoonDays ? SourceValidityState.EndingSoon
                : SourceValidityState.InForce;
            return new SourceValidity(s.Id, s.Title, s.InForce, s.ValidUntil, state, daysLeft);
        }).ToList();
    }

    /// <summary>
    /// The notice a source calls for on its day: <c>ends-in-90-days</c> from 90 days before its last valid day,
    /// <c>ends-in-30-days</c> from 30, <c>expired</c> from the day after; null when none. Only the latest one reached is
    /// due, so a service that first looks 20 days before the end sends the 30-day notice alone. A notice names the last
    /// valid day it is about (<see cref="NoticeKey"/>), so a policy whose source is extended is told again on the new dates.
    /// </summary>
    public static string? NoticeDue(SourceValidity source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.State == SourceValidityState.NotYetInForce ? null
            : source.DaysLeft switch
            {
                null => null,
                < 0 => "expired",
                <= FinalNoticeDays => "ends-in-30-days",
                <= EndingSoonDays => "ends-in-90-days",
                _ => null,
            };
    }

    /// <summary>
    /// The years whose holiday calendar the tenant needs and has not loaded (<paramref name="loaded"/>): this year, and from
    /// 1 December the next (the State Council publishes the arrangement in the autumn). Without one, deadlines are counted
    /// over weekends alone, so a time limit across the Spring Festival or National Day would end too early.
    /// </summary>
    public static IReadOnlyList<int> CalendarYearsMissing(IEnumerable<int> loaded, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var have = loaded.ToHashSet();
        int[] needed = today.Month == 12 ? [today.Year, today.Year + 1] : [today.Year];
        return needed.Where(y => !have.Contains(y)).ToList();
    }

    /// <summary>What makes a notice the same notice: the source, its last valid day and the notice.</summary>
    public static string NoticeKey(SourceValidity source, string notice)
    {
        ArgumentNullException.ThrowIfNull(source);
        return $"{source.Id}|{source.ValidUntil:yyyy-MM-dd}|{notice}";
    }
}
