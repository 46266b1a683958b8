using System.Security.Cryptography;
using System.Text;
using Azure;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>
/// Which outbox rows transactions wrote, so that the sweep looking for rows a stopped relay left behind reads those rows
/// by key instead of scanning the whole cases table (every case's events, evidence and timers, of every tenant). A writer
/// adds one mark alongside each transaction that adds outbox rows, naming its partition and row keys, and its relay
/// removes the mark once it has delivered them all; the sweep reads the rows of the marks left (a relay that failed or
/// died), delivers what is left, and removes a mark once none of its rows remains.
/// </summary>
/// <remarks>
/// A transaction and its mark are separate requests (an entity-group transaction stays in one partition). A mark that
/// fails to be written, or a writer killed between the two, leaves rows no mark names: the sweeper's full scan at start-up
/// and once a day finds those. A mark whose transaction failed names rows that do not exist, and is removed.
/// </remarks>
public sealed class OutboxMarks(TableClient table, TimeProvider time)
{
    /// <summary>The table the marks live in.</summary>
    public const string TableName = "outboxmarks";

    /// <summary>The table.</summary>
    public TableClient Table => table;

    /// <summary>Marks the outbox rows <paramref name="rowKeys"/> of <paramref name="partition"/> as written (now).</summary>
    public Task MarkAsync(string partition, IReadOnlyList<string> rowKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        if (rowKeys.Count == 0)
        {
            throw new ArgumentException("A mark names at least one outbox row.", nameof(rowKeys));
        }

        var (shard, key) = Key(partition, rowKeys[0]);
        return table.UpsertEntityAsync(new TableEntity(shard, key)
        {
            ["Partition"] = partition,
            ["Rows"] = string.Join(',', rowKeys),
            ["At"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Every mark.</summary>
    public async Task<IReadOnlyList<OutboxMark>> ListAsync(CancellationToken ct)
    {
        var marks = new List<OutboxMark>();
        try
        {
            await foreach (var row in table.QueryAsync(cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.GetString("Partition") is { Length: > 0 } partition && row.GetString("Rows") is { Length: > 0 } rows)
                {
                    marks.Add(new OutboxMark(partition, rows.Split(','), row.GetDateTimeOffset("At") ?? default) { Shard = row.PartitionKey!, Key = row.RowKey! });
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table yet (storage set up before marks existed): nothing was marked.
        }

        return marks;
    }

    /// <summary>Removes a mark; false when it is already gone.</summary>
    public Task<bool> ClearAsync(OutboxMark mark, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mark);
        return DeleteAsync(mark.Shard, mark.Key, ct);
    }

    /// <summary>Removes the mark of the transaction whose first outbox row in <paramref name="partition"/> is <paramref name="firstRowKey"/>; false when it is already gone.</summary>
    public Task<bool> ClearAsync(string partition, string firstRowKey, CancellationToken ct)
    {
        var (shard, key) = Key(partition, firstRowKey);
        return DeleteAsync(shard, key, ct);
    }

    private async Task<bool> DeleteAsync(string shard, string key, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(shard, key, ETag.All, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static (string Shard, string Key) Key(string partition, string firstRow)
    {
        // Marks spread over sixteen partitions by a hash of the case partition, so a busy service does not funnel every
        // transition's mark through one. Row keys may not hold '/', '\', '#' or '?': the case partition goes in as a hash.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)));
        return (hash[..1], hash[..32] + "-" + firstRow);
    }
}

/// <summary>A mark as read.</summary>
/// <param name="Partition">The case partition the rows are in.</param>
/// <param name="Rows">The outbox rows' keys.</param>
/// <param name="At">When the transaction was marked.</param>
public sealed record OutboxMark(string Partition, IReadOnlyList<string> Rows, DateTimeOffset At)
{
    internal string Shard { get; init; } = "";

    internal string Key { get; init; } = "";
}
