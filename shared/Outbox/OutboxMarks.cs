using System.Security.Cryptography;
using System.Text;
using Azure;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>
/// The case partitions that may hold outbox rows, so that the sweep looking for rows a stopped relay left behind reads a
/// handful of marks instead of scanning the whole cases table (every case's events, evidence and timers, of every
/// tenant). A writer marks a partition alongside each transaction that adds outbox rows to it; the sweep delivers what a
/// marked partition still holds and then removes the mark, guarded by the ETag it read, so a mark renewed meanwhile stays.
/// </summary>
/// <remarks>
/// A transaction and its mark are separate requests (an entity-group transaction stays in one partition). A mark that
/// fails to be written, or a writer killed between the two, leaves rows no mark points to: the sweeper's full scan at
/// start-up and once a day finds those.
/// </remarks>
public sealed class OutboxMarks(TableClient table, TimeProvider time)
{
    /// <summary>The table the marks live in.</summary>
    public const string TableName = "outboxmarks";

    // Marks spread over sixteen partitions by a hash of the case partition, so a busy service does not funnel every
    // transition's mark through one partition.
    private const string PartitionProperty = "Partition";

    /// <summary>The table.</summary>
    public TableClient Table => table;

    /// <summary>Marks <paramref name="partition"/> as possibly holding outbox rows (now).</summary>
    public Task MarkAsync(string partition, CancellationToken ct)
    {
        var (shard, key) = Key(partition);
        return table.UpsertEntityAsync(new TableEntity(shard, key) { [PartitionProperty] = partition, ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Every mark: the partition, when it was last marked, and the ETag a removal is guarded by.</summary>
    public async Task<IReadOnlyList<OutboxMark>> ListAsync(CancellationToken ct)
    {
        var marks = new List<OutboxMark>();
        try
        {
            await foreach (var row in table.QueryAsync(cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.GetString(PartitionProperty) is { Length: > 0 } partition)
                {
                    marks.Add(new OutboxMark(partition, row.GetDateTimeOffset("At") ?? default, row.ETag));
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table yet (storage set up before marks existed): nothing was marked.
        }

        return marks;
    }

    /// <summary>Removes a mark unless it was renewed since it was read; false when it was (or is already gone).</summary>
    public async Task<bool> ClearAsync(OutboxMark mark, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var (shard, key) = Key(mark.Partition);
        try
        {
            await table.DeleteEntityAsync(shard, key, mark.ETag, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    private static (string Shard, string Key) Key(string partition)
    {
        // Row keys may not hold '/', '\', '#' or '?': the mark is keyed by a hash, and carries the partition as a property.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)));
        return (hash[..1], hash);
    }
}

/// <summary>A mark as read.</summary>
/// <param name="Partition">The case partition that may hold outbox rows.</param>
/// <param name="At">When it was last marked.</param>
/// <param name="ETag">What a removal is guarded by.</param>
public sealed record OutboxMark(string Partition, DateTimeOffset At, ETag ETag);
