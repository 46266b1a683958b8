using System.Globalization;
using Azure;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Clock;

/// <summary>
/// The service's clock for tests and demos: real time plus an offset that can only grow. Timers and
/// delays still run on real time (an advanced clock makes things due sooner, it does not speed up
/// waiting), so a month-long deadline can be reached in seconds without touching the machine's clock.
/// </summary>
public sealed class AdjustableClock(TimeProvider inner) : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far the clock is ahead of real time.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Takes an offset read from storage; the clock never goes back.</summary>
    public void Observe(TimeSpan offset)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _offsetTicks);
            if (offset.Ticks <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _offsetTicks, offset.Ticks, seen) != seen);
    }
}

/// <summary>
/// The clock offset in Table storage, so every instance of the app (and every restart) agrees on the
/// time. Advancing is a read-modify-write guarded by the row's ETag.
/// </summary>
public sealed class ClockStore(TableClient table)
{
    private const string Partition = "clock";
    private const string Row = "offset";

    /// <summary>The table holding the offset.</summary>
    public TableClient Table => table;

    public Task EnsureCreatedAsync(CancellationToken ct = default) => table.CreateIfNotExistsAsync(ct);

    public async Task<TimeSpan> ReadAsync(CancellationToken ct = default)
    {
        var row = await table.GetEntityIfExistsAsync(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? TimeSpan.FromTicks(row.Value!.GetInt64("OffsetTicks") ?? 0) : TimeSpan.Zero;
    }

    /// <summary>Moves the shared clock forward by <paramref name="by"/> and answers the new offset.</summary>
    public async Task<TimeSpan> AdvanceAsync(TimeSpan by, CancellationToken ct = default)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        }

        for (var attempt = 0; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
            var current = row.HasValue ? TimeSpan.FromTicks(row.Value!.GetInt64("OffsetTicks") ?? 0) : TimeSpan.Zero;
            var next = current + by;
            var entity = new TableEntity(Partition, Row)
            {
                ["OffsetTicks"] = next.Ticks,
                ["Offset"] = next.ToString("c", CultureInfo.InvariantCulture),
            };
            try
            {
                if (row.HasValue)
                {
                    await table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
                }

                return next;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                // Another instance advanced it at the same time: add ours on top of theirs.
            }
        }
    }
}
