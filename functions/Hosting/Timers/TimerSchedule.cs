using System.Globalization;

namespace LandRedevelopment.Functions.Hosting.Timers;

/// <summary>
/// A timer trigger schedule as written in a function's <c>function.json</c>: either an NCRONTAB
/// expression (<c>"0 */5 * * * *"</c>) or a TimeSpan interval (<c>"00:05:00"</c>).
/// </summary>
/// <remarks>
/// The local trigger runner uses this when the Functions host is not there, so the rules follow what
/// the host (which uses NCrontab) accepts; where NCrontab is looser, this is stricter, so that a
/// schedule accepted here is also accepted in Azure. See <see cref="Parse"/> for the details.
/// </remarks>
public abstract class TimerSchedule
{
    private readonly string _expression;

    private protected TimerSchedule(string expression) => _expression = expression;

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, in the schedule's time zone's offset.
    /// </summary>
    /// <exception cref="InvalidOperationException">The schedule has no occurrence after <paramref name="after"/>
    /// (for example <c>"0 0 0 31 2 *"</c>, or the end of the calendar is reached).</exception>
    public abstract DateTimeOffset GetNextOccurrence(DateTimeOffset after);

    /// <summary>The expression exactly as it was given to <see cref="Parse"/>.</summary>
    public override string ToString() => _expression;

    /// <summary>
    /// Parses a timer schedule.
    /// </summary>
    /// <param name="expression">
    /// <para>An NCRONTAB expression of six fields <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>,
    /// or of five fields without the second (which is then 0). Each field is <c>*</c>, a number, a range
    /// <c>a-b</c>, or a comma-separated list of those, each optionally stepped: <c>*/n</c>, <c>a-b/n</c>,
    /// <c>a/n</c> (= <c>a-max/n</c>). Months may be named (<c>Jan</c>–<c>Dec</c> or in full), days of the week
    /// too (<c>Sun</c>–<c>Sat</c> or in full), case-insensitively. Day of week is 0–6 with Sunday = 0; 7 is
    /// rejected, as NCrontab rejects it. When both day and day of week are restricted, a day must match
    /// both (AND), as in NCrontab — unlike Unix cron, which takes either (OR).</para>
    /// <para>Or a positive TimeSpan <c>[d.]hh:mm:ss</c> (it must contain ':'), read as the host reads it with
    /// <see cref="TimeSpan.TryParse(string, IFormatProvider?, out TimeSpan)"/> (so "25:00:00" is 25 days),
    /// meaning every interval: occurrences lie on the grid <c>1970-01-01T00:00:00Z + k × interval</c>, so
    /// given the previous occurrence the next is exactly one interval later, as the host counts from the
    /// last occurrence; the time zone only sets the offset of the answer.</para>
    /// </param>
    /// <param name="timeZone">The zone whose wall clock an NCRONTAB expression is evaluated in; UTC when null.</param>
    /// <exception cref="FormatException">The expression is malformed; the message names the field and the rule.</exception>
    public static TimerSchedule Parse(string expression, TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var zone = timeZone ?? TimeZoneInfo.Utc;

        // The host tries TimeSpan first; requiring ':' keeps a bare number like "5" (which TimeSpan
        // would read as five days) from being mistaken for an interval.
        if (expression.Contains(':', StringComparison.Ordinal))
        {
            // Read as the host reads it (TimeSpan.TryParse), but culture-independently.
            if (!TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval))
            {
                throw new FormatException($"Schedule '{expression}' is not a TimeSpan of the form [d.]hh:mm:ss.");
            }
            if (interval <= TimeSpan.Zero)
            {
                throw new FormatException($"Schedule '{expression}' is an interval that is not positive.");
            }
            return new IntervalSchedule(expression, interval, zone);
        }

        return CronSchedule.Create(expression, zone);
    }

    /// <summary>Every <c>interval</c>, on a grid anchored at the Unix epoch (see <see cref="Parse"/>).</summary>
    private sealed class IntervalSchedule(string expression, TimeSpan interval, TimeZoneInfo zone) : TimerSchedule(expression)
    {
        public override DateTimeOffset GetNextOccurrence(DateTimeOffset after)
        {
            // A fixed anchor keeps the schedule stateless and repeatable: asking again with the same
            // instant gives the same answer, and asking with an occurrence gives occurrence + interval.
            var sinceEpoch = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            var steps = Math.Floor((decimal)sinceEpoch / interval.Ticks) + 1;
            var ticks = DateTimeOffset.UnixEpoch.UtcTicks + (steps * interval.Ticks);
            if (ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                throw new InvalidOperationException($"Schedule '{this}' has no occurrence after {after:o}.");
            }
            return TimeZoneInfo.ConvertTime(new DateTimeOffset((long)ticks, TimeSpan.Zero), zone);
        }
    }
}
