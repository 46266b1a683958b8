using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>
/// Durable timers that last months. Every timer has a row in a due-date index (table <c>timers</c>, one partition per
/// UTC day); a timer due within <see cref="Horizon"/> also has a queue message, hidden until it is due, which fires it
/// within the queue's polling interval. Timers further out wait in the index alone, and the sweeper puts them on the
/// queue as they come within the horizon (<see cref="SweepAsync"/>): the queue holds only what is due soon, however
/// many timers are pending, and a months-long timer costs no message re-sent week after week. The sweeper also fires
/// whatever is overdue after downtime or a lost message. The timer row in the case's partition is the truth: a timer
/// whose row is gone was cancelled or has fired.
/// </summary>
public sealed class TimerIndex(TableClient table, QueueServiceClient base64Queues, TimeProvider time)
{
    /// <summary>The queue the timers' messages travel on.</summary>
    public const string QueueName = "review-timers";

    /// <summary>The longest a queue message may stay invisible.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>Timers due within this get their queue message when scheduled; later ones when a sweep finds them this close.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(10);

    private const string PartitionPrefix = "due-";

    // Whether the timer's message is on the queue.
    private const string QueuedColumn = "Queued";

    /// <summary>The index table.</summary>
    public TableClient Table => table;

    /// <summary>Creates the index table and the queue.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        // Independent: side by side, each one round trip of the start-up every request waits for.
        await Task.WhenAll(table.CreateIfNotExistsAsync(ct), base64Queues.GetQueueClient(QueueName).CreateIfNotExistsAsync(cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Schedules <paramref name="timer"/>: when it is due within the <see cref="Horizon"/>, its message (hidden until due)
    /// and then its index row; otherwise the index row alone, for a later sweep to promote. Safe to repeat.
    /// </summary>
    public async Task ScheduleAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var soon = timer.DueAt <= time.GetUtcNow() + Horizon;
        if (soon)
        {
            // The message first: a row marked queued always has its message (a repeat may add a second; firing is idempotent).
            await EnqueueAsync(timer, ct).ConfigureAwait(false);
        }

        await table.UpsertEntityAsync(new TableEntity(Partition(timer.DueAt), RowKey(timer))
        {
            ["TenantId"] = timer.TenantId,
            ["CaseId"] = timer.CaseId,
            ["TimerKey"] = timer.TimerKey,
            ["DueAt"] = timer.DueAt,
            [QueuedColumn] = soon,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// What a sweep does with the index, in one query: puts on the queue the timers coming within the horizon (due after
    /// <paramref name="firedUpTo"/>) whose message is not there yet, and returns those due at or before it, oldest day first.
    /// </summary>
    public async Task<(IReadOnlyList<DurableTimer> Due, int Queued)> SweepAsync(DateTimeOffset firedUpTo, CancellationToken ct)
    {
        var now = time.GetUtcNow() + Horizon;
        var until = now > firedUpTo ? now : firedUpTo;
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and PartitionKey le {Partition(until)} and DueAt le {until}");
        var due = new List<DurableTimer>();
        var coming = new List<TableEntity>();
        await foreach (var row in table.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("DueAt") <= firedUpTo)
            {
                due.Add(ToTimer(row));
            }
            else if (row.GetBoolean(QueuedColumn) == false)
            {
                coming.Add(row);
            }
        }

        return (due, await QueueAsync(coming, ct).ConfigureAwait(false));
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

    /// <summary>Every indexed timer due at or before <paramref name="now"/>, oldest day first.</summary>
    public async IAsyncEnumerable<DurableTimer> DueAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and PartitionKey le {Partition(now)} and DueAt le {now}");
        await foreach (var row in table.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            yield return ToTimer(row);
        }
    }

    /// <summary>Removes a timer's index row (it fired or was cancelled). Safe to repeat.</summary>
    public async Task RemoveAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        try
        {
            await table.DeleteEntityAsync(Partition(timer.DueAt), RowKey(timer), ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    private static DurableTimer ToTimer(TableEntity row) =>
        new(row.GetString("TenantId")!, row.GetString("CaseId")!, row.GetString("TimerKey")!, row.GetDateTimeOffset("DueAt")!.Value);

    private static string Partition(DateTimeOffset dueAt) => PartitionPrefix + dueAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string RowKey(DurableTimer timer) => $"{timer.TenantId}|{timer.CaseId}|{timer.TimerKey}";
}
