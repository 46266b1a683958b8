using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>
/// Durable timers that last months, on Queue storage: a queue message can stay invisible for at most seven
/// days, so a timer's message is put back until it is due. Beside it a due-date index (table <c>timers</c>,
/// one partition per UTC day) lets a sweeper fire whatever is overdue after downtime or a lost message.
/// The timer row in the case's partition is the truth: a timer whose row is gone was cancelled or has fired.
/// </summary>
public sealed class TimerIndex(TableClient table, QueueServiceClient base64Queues, TimeProvider time)
{
    /// <summary>The queue the timers' messages travel on.</summary>
    public const string QueueName = "review-timers";

    /// <summary>The longest a queue message may stay invisible.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    private const string PartitionPrefix = "due-";

    /// <summary>The index table.</summary>
    public TableClient Table => table;

    /// <summary>Creates the index table and the queue.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        await table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        await base64Queues.GetQueueClient(QueueName).CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>Schedules <paramref name="timer"/>: its index row, then its message (hidden until due, at most seven days). Safe to repeat.</summary>
    public async Task ScheduleAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await table.UpsertEntityAsync(new TableEntity(Partition(timer.DueAt), RowKey(timer))
        {
            ["TenantId"] = timer.TenantId,
            ["CaseId"] = timer.CaseId,
            ["TimerKey"] = timer.TimerKey,
            ["DueAt"] = timer.DueAt,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        await EnqueueAsync(timer, ct).ConfigureAwait(false);
    }

    /// <summary>Puts the timer's message on the queue, hidden until it is due or for seven days, whichever comes first.</summary>
    public async Task EnqueueAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await base64Queues.GetQueueClient(QueueName).SendMessageAsync(
            System.Text.Json.JsonSerializer.Serialize(timer, OutboxMessage.Json), VisibilityFor(timer.DueAt), TimeSpan.FromSeconds(-1), ct).ConfigureAwait(false);
    }

    /// <summary>How long a message for a timer due at <paramref name="dueAt"/> stays hidden now.</summary>
    public TimeSpan VisibilityFor(DateTimeOffset dueAt)
    {
        var wait = dueAt - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Whole seconds, rounded up so the message never shows before it is due.
        var seconds = Math.Ceiling(Math.Min(wait.TotalSeconds, MaxVisibility.TotalSeconds));
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Every indexed timer due at or before <paramref name="now"/>, oldest day first.</summary>
    public async IAsyncEnumerable<DurableTimer> DueAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionPrefix} and PartitionKey le {Partition(now)} and DueAt le {now}");
        await foreach (var row in table.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            yield return new DurableTimer(row.GetString("TenantId")!, row.GetString("CaseId")!, row.GetString("TimerKey")!, row.GetDateTimeOffset("DueAt")!.Value);
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

    private static string Partition(DateTimeOffset dueAt) => PartitionPrefix + dueAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string RowKey(DurableTimer timer) => $"{timer.TenantId}|{timer.CaseId}|{timer.TimerKey}";
}
