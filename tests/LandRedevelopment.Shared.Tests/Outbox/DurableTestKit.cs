using System.Collections.Concurrent;
using LandRedevelopment.Cases;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Outbox;

/// <summary>
/// The test classes that touch what the product names with fixed names — the <c>cases</c> table (whose stale-outbox
/// scan covers every case), the <c>review-timers</c> and <c>case-signals</c> queues — run one after another, so no
/// test's relay or sweeper delivers another test's rows and queue counts mean something. Other collections still run
/// beside them; none of them uses those names.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DurableStorageCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Durable storage (shared tables and queues)";
}

/// <summary>A clock the test moves by hand; safe to read from many threads.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void Set(DateTimeOffset to) => Interlocked.Exchange(ref _ticks, to.UtcTicks);
}

/// <summary>Records every mail it is asked to send; optionally fails every send.</summary>
public sealed class RecordingMailSender : IMailSender
{
    public ConcurrentQueue<MailMessageSpec> Sent { get; } = new();

    /// <summary>When set, every send throws this (after counting the try).</summary>
    public Exception? Failure { get; set; }

    public int Tries => _tries;

    private int _tries;

    public Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _tries);
        if (Failure is { } failure)
        {
            throw failure;
        }

        Sent.Enqueue(message);
        return Task.CompletedTask;
    }
}

/// <summary>Storage clients against the shared Azurite, built the way the app builds them (queues base64, as the queue triggers expect).</summary>
public sealed class DurableStorage(AzuriteFixture azurite)
{
    public string ConnectionString => azurite.ConnectionString;

    public TableServiceClient Tables { get; } = new(azurite.ConnectionString);

    public BlobServiceClient Blobs { get; } = new(azurite.ConnectionString);

    public QueueServiceClient Base64Queues { get; } = new(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>A queue as it is on the wire (no decoding), to see what the relay really wrote.</summary>
    public QueueClient RawQueue(string name) => new(azurite.ConnectionString, name);

    /// <summary>The durable timers' queue, decoded.</summary>
    public QueueClient TimerQueue => Base64Queues.GetQueueClient(TimerIndex.QueueName);

    public async Task<TableClient> NewTableAsync(string prefix)
    {
        var table = Tables.GetTableClient(AzuriteFixture.UniqueName(prefix));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    /// <summary>A timer index on fresh tables (the queue is the product's fixed one).</summary>
    public async Task<TimerIndex> NewTimerIndexAsync(TimeProvider time)
    {
        var index = new TimerIndex(Tables.GetTableClient(AzuriteFixture.UniqueName("timers")), Tables.GetTableClient(AzuriteFixture.UniqueName("timerslater")), Base64Queues, time);
        await index.EnsureCreatedAsync();
        return index;
    }

    /// <summary>Empties the timers' queue, hidden messages too (only inside <see cref="DurableStorageCollection"/>).</summary>
    public async Task ClearTimerQueueAsync()
    {
        await TimerQueue.CreateIfNotExistsAsync();
        await TimerQueue.ClearMessagesAsync();
    }

    /// <summary>Every row of a partition whose key starts with <paramref name="prefix"/> (every row for an empty prefix).</summary>
    public static async Task<List<TableEntity>> RowsAsync(TableClient table, string partition, string prefix)
    {
        var rows = new List<TableEntity>();
        var filter = prefix.Length == 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {CaseStore.PrefixEnd(prefix)}");
        await foreach (var row in table.QueryAsync(filter))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Every timer the index holds (due at any time up to the far future).</summary>
    public static async Task<List<DurableTimer>> IndexedAsync(TimerIndex index)
    {
        var all = new List<DurableTimer>();
        await foreach (var timer in index.DueAsync(DateTimeOffset.UtcNow.AddYears(50), CancellationToken.None))
        {
            all.Add(timer);
        }

        return all;
    }
}
