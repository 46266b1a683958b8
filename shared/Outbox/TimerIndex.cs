using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>
/// Durable timers that last months. Every timer has a row in a due-date index (one partition per UTC day) and, when due
/// within <see cref="Horizon"/>, a queue message hidden until it is due, which fires it within the queue's polling
/// interval. Timers further out wait in the index alone, and the sweeper puts them on the queue as they come within the
/// horizon (<see cref="SweepAsync"/>): the queue holds only what is due soon, however many timers are pending, and a
/// months-long timer costs no message re-sent week after week. The sweeper also fires whatever is overdue after downtime
/// or a lost message. The timer row in the case's partition is the truth: a timer whose row is gone was cancelled or has
/// fired.
/// <para>
/// The index is two tables. <c>timers</c> holds what is due within <see cref="NearSpan"/> (a day), and is what every sweep
/// reads; <c>timerslater</c> holds the rest, and a sweep moves what has come within the span across at most once per
/// <see cref="MoveInInterval"/> (an hour). A sweep every 30 seconds thus reads a day's timers, however many months of them
/// are pending: on Azure that spares a partition-range scan; on a store that scans the whole table for a query (Azurite)
/// it is what keeps a sweep's cost growing with the timers due, not the timers pending.
/// </para>
/// </summary>
public sealed class TimerIndex(TableClient table, TableClient later, QueueServiceClient base64Queues, TimeProvider time)
{
    /// <summary>The table of the timers due within <see cref="NearSpan"/>, which every sweep reads.</summary>
    public const string TableName = "timers";

    /// <summary>The table of the timers due later, moved into <see cref="TableName"/> as they come within the span.</summary>
    public const string LaterTableName = "timerslater";

    /// <summary>Timers due within this are kept in the table every sweep reads.</summary>
    public static readonly TimeSpan NearSpan = TimeSpan.FromDays(1);

    /// <summary>How often a sweep moves the later timers that have come within <see cref="NearSpan"/> across (per instance).</summary>
    public static readonly TimeSpan MoveInInterval = TimeSpan.FromHours(1);

    // Service-clock ticks of this instance's last completed move-in; MinValue: none yet.
    private long _movedInAt = long.MinValue;

    /// <summary>The queue the timers' messages travel on.</summary>
    public const string QueueName = "review-timers";

    /// <summary>The longest a queue message may stay invisible.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>Timers due within this get their queue message when scheduled; later ones when a sweep finds them this close.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(10);

    private const string PartitionPrefix = "due-";

    // Whether the timer's message is on the queue.
    private const string QueuedColumn = "Queued";

    /// <summary>The index table of the timers due within <see cref="NearSpan"/>.</summary>
    public TableClient Table => table;

    /// <summary>The index table of the timers due later.</summary>
    public TableClient Later => later;

    /// <summary>Whether a timer due at <paramref name="dueAt"/> is indexed in <see cref="Table"/> (else in <see cref="Later"/>) when scheduled at <paramref name="now"/>.</summary>
    public static bool IsNear(DateTimeOffset dueAt, DateTimeOffset now) => dueAt <= now + NearSpan;

    /// <summary>Creates the index tables and the queue.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        // Independent: side by side, each one round trip of the start-up every request waits for.
        await Task.WhenAll(table.CreateIfNotExistsAsync(ct), later.CreateIfNotExistsAsync(ct), base64Queues.GetQueueClient(QueueName).CreateIfNotExistsAsync(cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Schedules <paramref name="timer"/>: when it is due within the <see cref="Horizon"/>, its message (hidden until due)
    /// and then its index row; otherwise the index row alone (in <see cref="Later"/> when due beyond <see cref="NearSpan"/>),
    /// for a later sweep to queue. Safe to repeat.
    /// </summary>
    public async Task ScheduleAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var now = time.GetUtcNow();
        var soon = timer.DueAt <= now + Horizon;
        if (soon)
        {
            // The message first: a row marked queued always has its message (a repeat may add a second; firing is idempotent).
            await EnqueueAsync(timer, ct).ConfigureAwait(false);
        }

        var row = Row(timer);
        row[QueuedColumn] = soon;
        await (IsNear(timer.DueAt, now) ? table : later).UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>A timer's index row, as both tables hold it.</summary>
    public static TableEntity Row(DurableTimer timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return new TableEntity(Partition(timer.DueAt), RowKey(timer))
        {
            ["TenantId"] = timer.TenantId,
            ["CaseId"] = timer.CaseId,
            ["TimerKey"] = timer.TimerKey,
            ["DueAt"] = timer.DueAt,
        };
    }

    /// <summary>
    /// What a sweep does with the index: moves the later timers that have come within <see cref="NearSpan"/> across (at
    /// most once per <see cref="MoveInInterval"/>); then, in one query of the near table, puts on the queue the timers
    /// coming within the horizon (due after <paramref name="firedUpTo"/>) whose message is not there yet, and returns those
    /// due at or before it, oldest day first. A move-in that fails does not hold up the rest: it is reported, and the
    /// next sweep tries it again.
    /// </summary>
    public async Task<IndexSweep> SweepAsync(DateTimeOffset firedUpTo, CancellationToken ct)
    {
        var movedIn = 0;
        string? moveInFailure = null;
        try
        {
            movedIn = await MoveInAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException)
        {
            moveInFailure = "moving later timers into the near index: " + e.Message;
        }

        var now = time.GetUtcNow() + Horizon;
        var until = now > firedUpTo ? now : firedUpTo;
        var filter = DueByFilter(until);
        var due = new List<DurableTimer>();
        var coming = new List<TableEntity>();
        await foreach (var row in table.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("DueAt") <= firedUpTo)
            {
                due.Add(ToTimer(row));
            }
            else if (row.GetBoolean(QueuedColumn) != true)
            {
                coming.Add(row);
            }
        }

        return new IndexSweep(due, await QueueAsync(coming, ct).ConfigureAwait(false), movedIn) { MoveInFailure = moveInFailure };
    }

    /// <summary>
    /// Moves the timers of <see cref="Later"/> due within <see cref="NearSpan"/> into <see cref="Table"/>, when this
    /// instance last did so at least <see cref="MoveInInterval"/> ago by the service clock (or never, or the clock went
    /// back). Each row is merged into the near table (keeping a copy there already marked queued) before it is deleted
    /// from the later one, so a timer is never in neither; a copy left in both by a crash or a race is harmless (the next
    /// move-in deletes it; a second firing finds its case row gone). Returns how many rows it moved.
    /// </summary>
    private async Task<int> MoveInAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref _movedInAt);
        var since = now.UtcTicks - last;
        if (last != long.MinValue && since >= 0 && since < MoveInInterval.Ticks)
        {
            return 0;
        }

        var until = now + NearSpan;
        var rows = new List<TableEntity>();
        var filter = DueByFilter(until);
        await foreach (var row in later.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (row, c) =>
        {
            await table.UpsertEntityAsync(Row(ToTimer(row)), TableUpdateMode.Merge, c).ConfigureAwait(false);
            try
            {
                // Answers 404 without throwing if it was removed meanwhile.
                await later.DeleteEntityAsync(row.PartitionKey!, row.RowKey!, row.ETag, c).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Scheduled again meanwhile: a later move-in takes the new row.
            }
        }).ConfigureAwait(false);
        Interlocked.Exchange(ref _movedInAt, now.UtcTicks);
        return rows.Count;
    }

    private async Task<int> QueueAsync(List<TableEntity> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            await EnqueueAsync(ToTimer(row), ct).ConfigureAwait(false);
            try
            {
                await table.UpdateEntityAsync(new TableEntity(row.PartitionKey!, row.RowKey!) { [QueuedColumn] = true }, row.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Fired, cancelled or promoted meanwhile.
            }
        }

        return rows.Count;
    }

    /// <summary>
    /// Puts the timer's message on the queue, hidden until it is due (to the second below) or for seven days, whichever
    /// comes first; and for at least <paramref name="atLeast"/> (a timer its case does not yet hold due, to be tried again).
    /// </summary>
    public async Task EnqueueAsync(DurableTimer timer, CancellationToken ct, TimeSpan atLeast = default)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var visibility = VisibilityFor(timer.DueAt);
        await base64Queues.GetQueueClient(QueueName).SendMessageAsync(
            System.Text.Json.JsonSerializer.Serialize(timer, OutboxMessage.Json), visibility < atLeast ? atLeast : visibility, TimeSpan.FromSeconds(-1), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// How long a message for a timer due at <paramref name="dueAt"/> stays hidden now: whole seconds (all the queue
    /// takes), rounded down, so the message shows up to a second before the timer is due and its handler holds it the
    /// rest of the way (<see cref="HoldLimit"/>). Rounding up would make every timer up to a second late.
    /// </summary>
    public TimeSpan VisibilityFor(DateTimeOffset dueAt)
    {
        var wait = dueAt - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var seconds = Math.Floor(Math.Min(wait.TotalSeconds, MaxVisibility.TotalSeconds));
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// A timer's message that shows at most this long before the timer is due is held by its handler until due, then
    /// fired; one that shows earlier (a timer more than seven days out) goes back on the queue. More than the second
    /// <see cref="VisibilityFor"/> rounds off, to allow for the storage service's clock running ahead of the app's.
    /// </summary>
    public static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Every indexed timer due at or before <paramref name="now"/>, in either table (the near one first, each oldest day
    /// first); a timer in both tables, between a move-in's two steps, is returned once.
    /// </summary>
    public async IAsyncEnumerable<DurableTimer> DueAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = DueByFilter(now);
        var seen = new HashSet<(string, string)>();
        foreach (var source in new[] { table, later })
        {
            await foreach (var row in source.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                if (seen.Add((row.PartitionKey!, row.RowKey!)))
                {
                    yield return ToTimer(row);
                }
            }
        }
    }

    /// <summary>
    /// Removes a timer's index row (it fired or was cancelled). Safe to repeat. A timer that fires is in the near table,
    /// so only a row not found there is looked for in the later one (a cancelled far timer). A row a concurrent move-in
    /// carries across meanwhile stays in the near table, and a sweep clears it when its case no longer holds the timer.
    /// </summary>
    public async Task RemoveAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (!await DeleteAsync(table, timer, ct).ConfigureAwait(false))
        {
            await DeleteAsync(later, timer, ct).ConfigureAwait(false);
        }
    }

    // Whether the row was there (a missing row answers 404 without throwing).
    private static async Task<bool> DeleteAsync(TableClient from, DurableTimer timer, CancellationToken ct) =>
        (await from.DeleteEntityAsync(Partition(timer.DueAt), RowKey(timer), ETag.All, ct).ConfigureAwait(false)).Status != 404;

    /// <summary>The index rows (in either table) of the timers due at or before <paramref name="until"/>: the day partitions up to its day, then the exact time.</summary>
    public static string DueByFilter(DateTimeOffset until) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and PartitionKey le {Partition(until)} and DueAt le {until}");

    private static DurableTimer ToTimer(TableEntity row) =>
        new(row.GetString("TenantId")!, row.GetString("CaseId")!, row.GetString("TimerKey")!, row.GetDateTimeOffset("DueAt")!.Value);

    private static string Partition(DateTimeOffset dueAt) => PartitionPrefix + dueAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string RowKey(DurableTimer timer) => $"{timer.TenantId}|{timer.CaseId}|{timer.TimerKey}";
}

/// <summary>What a sweep found in the timer index.</summary>
/// <param name="Due">The timers due, oldest day first.</param>
/// <param name="Queued">Timers put on the queue as they came within the horizon.</param>
/// <param name="MovedIn">Timers moved from the later table into the near one.</param>
public readonly record struct IndexSweep(IReadOnlyList<DurableTimer> Due, int Queued, int MovedIn)
{
    /// <summary>Why the move-in failed (it is tried again at the next sweep); null when it succeeded or was not due.</summary>
    public string? MoveInFailure { get; init; }
}
