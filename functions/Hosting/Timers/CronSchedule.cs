namespace LandRedevelopment.Functions.Hosting.Timers;

/// <summary>
/// An NCRONTAB schedule evaluated on the wall clock of a time zone.
/// </summary>
/// <remarks>
/// <para>Matching wall-clock times are found field by field, jumping straight to the next allowed
/// value of each field, so the cost is a few steps per candidate day, never a step per second.</para>
/// <para>Daylight saving time: a matching wall-clock time that does not exist (the clock springs
/// forward over it) fires once at the first instant after the gap, so a daily 02:30 job still runs
/// that day (at 03:00 in Europe/Berlin) and occurrences never come out of order. A wall-clock time that
/// happens twice (the clock falls back) fires once, at its first (daylight time) instant; this
/// applies to every schedule, so an every-5-minutes schedule pauses during the repeated hour. (The
/// host moves gap times forward by the gap's length and lets interval-like schedules fire in both
/// passes; the local runner keeps the simpler rule.)</para>
/// </remarks>
internal sealed class CronSchedule : TimerSchedule
{
    // The Gregorian calendar, weekdays included, repeats every 400 years, so a schedule that has no
    // occurrence in 400 years and a day never has one; that bounds the search for "0 0 0 31 2 *".
    private const int SearchYears = 401;

    private readonly CronField _seconds, _minutes, _hours, _days, _months, _daysOfWeek;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(string expression, CronField[] fields, TimeZoneInfo zone) : base(expression)
    {
        (_seconds, _minutes, _hours, _days, _months, _daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
        _zone = zone;
    }

    internal static CronSchedule Create(string expression, TimeZoneInfo zone)
    {
        var parts = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (5 or 6))
        {
            throw new FormatException(
                $"Schedule '{expression}' has {parts.Length} fields; expected 6 ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}) or 5 (without {{second}}).");
        }

        // Five fields are NCrontab's classic format: no seconds, so every occurrence is at second 0.
        var fields = new CronField[6];
        var offset = 6 - parts.Length;
        fields[0] = CronField.Second.Parse("0");
        for (var i = 0; i < parts.Length; i++)
        {
            fields[i + offset] = CronField.All[i + offset].Parse(parts[i]);
        }
        return new CronSchedule(expression, fields, zone);
    }

    public override DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var wall = TimeZoneInfo.ConvertTime(after, _zone).DateTime;
        while (TryGetNextWallTime(wall, out var next))
        {
            var occurrence = ToInstant(next);
            // When 'after' is in the second pass of a repeated hour, the next wall times of that hour
            // map to their first pass, before 'after': they have fired already, so keep looking.
            if (occurrence > after)
            {
                return occurrence;
            }
            wall = next;
        }
        throw new InvalidOperationException($"Schedule '{this}' has no occurrence after {after:o}.");
    }

    /// <summary>The instant a matching wall-clock time fires at, by the DST rules in the class remarks.</summary>
    private DateTimeOffset ToInstant(DateTime wall)
    {
        if (_zone.IsInvalidTime(wall))
        {
            return FirstInstantAfter(wall);
        }
        if (_zone.IsAmbiguousTime(wall))
        {
            // The larger offset is the one before the clock fell back, so the earlier instant.
            return new DateTimeOffset(wall, _zone.GetAmbiguousTimeOffsets(wall).Max());
        }
        return new DateTimeOffset(wall, _zone.GetUtcOffset(wall));
    }

    /// <summary>
    /// The first whole-second instant whose wall-clock time is later than <paramref name="wall"/>, a time
    /// in a gap: that is the instant the clock jumped. Found by bisection, as the zone API gives no transitions.
    /// </summary>
    private DateTimeOffset FirstInstantAfter(DateTime wall)
    {
        // UTC offsets lie within -12h..+14h, so these bracket the jump: wall(low) <= wall < wall(high).
        var low = DateTime.SpecifyKind(wall, DateTimeKind.Utc).AddHours(-15);
        var high = DateTime.SpecifyKind(wall, DateTimeKind.Utc).AddHours(13);
        while (high - low > TimeSpan.FromSeconds(1))
        {
            var middle = low.AddSeconds(Math.Floor((high - low).TotalSeconds / 2));
            if (TimeZoneInfo.ConvertTimeFromUtc(middle, _zone) > wall)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }
        return TimeZoneInfo.ConvertTime(new DateTimeOffset(high), _zone);
    }

    /// <summary>
    /// The first wall-clock time, in whole seconds, strictly after <paramref name="after"/> that matches
    /// every field, searching <see cref="SearchYears"/> years at most.
    /// </summary>
    private bool TryGetNextWallTime(DateTime after, out DateTime next)
    {
        next = default;
        var start = after.AddTicks(-(after.Ticks % TimeSpan.TicksPerSecond));
        if (start >= DateTime.MaxValue.AddSeconds(-1))
        {
            return false;
        }
        start = start.AddSeconds(1);

        // Working on components keeps the arithmetic simple: a field that has no value left at or
        // after the current one carries into the next larger unit and resets the smaller ones.
        int year = start.Year, month = start.Month, day = start.Day, hour = start.Hour, minute = start.Minute, second = start.Second;
        var lastYear = Math.Min(DateTime.MaxValue.Year, year + SearchYears);
        while (year <= lastYear)
        {
            var m = _months.Next(month);
            if (m < 0)
            {
                (year, month, day, hour, minute, second) = (year + 1, 1, 1, 0, 0, 0);
                continue;
            }
            if (m != month)
            {
                (month, day, hour, minute, second) = (m, 1, 0, 0, 0);
            }

            var d = NextDay(year, month, day);
            if (d < 0)
            {
                (month, day, hour, minute, second) = (month + 1, 1, 0, 0, 0);
                continue;
            }
            if (d != day)
            {
                (day, hour, minute, second) = (d, 0, 0, 0);
            }

            var h = _hours.Next(hour);
            if (h < 0)
            {
                (day, hour, minute, second) = (day + 1, 0, 0, 0);
                continue;
            }
            if (h != hour)
            {
                (hour, minute, second) = (h, 0, 0);
            }

            var mi = _minutes.Next(minute);
            if (mi < 0)
            {
                (hour, minute, second) = (hour + 1, 0, 0);
                continue;
            }
            if (mi != minute)
            {
                (minute, second) = (mi, 0);
            }

            var s = _seconds.Next(second);
            if (s < 0)
            {
                (minute, second) = (minute + 1, 0);
                continue;
            }

            next = new DateTime(year, month, day, hour, minute, s, DateTimeKind.Unspecified);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The first day from <paramref name="day"/> on in the month that matches both the day and the
    /// day-of-week fields, or -1. Both must match (AND), as NCrontab checks the day of week only after
    /// finding the day and month; so <c>"0 0 0 13 * Fri"</c> is Friday the 13th, not every Friday and every 13th.
    /// </summary>
    private int NextDay(int year, int month, int day)
    {
        var daysInMonth = DateTime.DaysInMonth(year, month);
        for (var d = _days.Next(day); d > 0 && d <= daysInMonth; d = _days.Next(d + 1))
        {
            if (_daysOfWeek.Contains((int)new DateTime(year, month, d).DayOfWeek))
            {
                return d;
            }
        }
        return -1;
    }
}
