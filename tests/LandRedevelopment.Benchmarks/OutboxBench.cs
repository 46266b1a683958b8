using System.Diagnostics;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Benchmarks;

/// <summary>
/// What the sweeper's search for undelivered outbox rows costs as the cases table grows (1k, 10k, 100k rows: events,
/// evidence and timer rows of cases, none of them outbox rows). The periodic search reads the rows the 20 most recent
/// transitions marked (delivered already by their own relay, as nearly always); the baseline at each size is the scan of the whole table, which the sweeper now
/// runs only at start-up and once a day. Run in the harness's process with the project's relay and storage clients on
/// a fresh Azurite.
/// </summary>
public static class OutboxBench
{
    private const int RowsPerCase = 25;
    private const int RecentlyMarked = 20;

    // Each size's searches are timed three times (the median is reported): the whole-table scan beside them takes seconds
    // at the largest size, so the sweep's seven repeats would add minutes.
    private const int OutboxRepeats = 3;

    public static async Task<List<Result>> RunAsync(BenchOptions o)
    {
        using var azurite = await AzuriteServer.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        var queues = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var cases = tables.GetTableClient("cases");
        var marks = new OutboxMarks(tables.GetTableClient(OutboxMarks.TableName), TimeProvider.System);
        var timers = new TimerIndex(tables.GetTableClient(TimerIndex.TableName), tables.GetTableClient(TimerIndex.LaterTableName), queues, TimeProvider.System);
        await Task.WhenAll(cases.CreateIfNotExistsAsync(), marks.Table.CreateIfNotExistsAsync(), timers.EnsureCreatedAsync());
        var relay = new OutboxRelay(cases, queues, timers, new NoMail(), TimeProvider.System, marks);

        var results = new List<Result>();
        var written = 0;
        double? smallestMarked = null;
        foreach (var size in o.OutboxRows.Order())
        {
            var sw = Stopwatch.StartNew();
            var partitions = Enumerable.Range(written / RowsPerCase, (size - written + RowsPerCase - 1) / RowsPerCase).Select(i => $"bench|c{i:D7}").ToList();
            await Bench.RunAsync(partitions.Count, 4, async i =>
            {
                var actions = Enumerable.Range(0, RowsPerCase).Select(r => new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity(partitions[i], r == 0 ? "case" : $"event-{r:D6}") { ["Type"] = "Bench", ["At"] = DateTimeOffset.UtcNow })).ToList();
                await cases.SubmitTransactionAsync(actions);
            });
            written += partitions.Count * RowsPerCase;
            Bench.Log($"outbox: {written} case rows written in {sw.Elapsed.TotalSeconds:0.0} s");

            var recent = Enumerable.Range(0, RecentlyMarked).Select(i => $"bench|c{(written / RowsPerCase - 1 - i):D7}").ToList();
            var full = new List<double>();
            var marked = new List<double>();
            for (var r = 0; r < OutboxRepeats; r++)
            {
                sw.Restart();
                await relay.DeliverStaleAsync(TimeSpan.Zero, CancellationToken.None);
                full.Add(sw.Elapsed.TotalMilliseconds);

                await Task.WhenAll(recent.Select(p => marks.MarkAsync(p, [OutboxMessage.RowKey(2, 0)], CancellationToken.None)));
                sw.Restart();
                await relay.DeliverMarkedAsync(TimeSpan.Zero, CancellationToken.None);
                marked.Add(sw.Elapsed.TotalMilliseconds);
            }

            var fullMs = Bench.Percentile(full, 50);
            var markedMs = Bench.Percentile(marked, 50);
            smallestMarked ??= markedMs;
            Bench.Log($"outbox: {written} rows: marked search {markedMs:0} ms ({string.Join(", ", marked.Select(m => m.ToString("0")))}), whole-table scan {fullMs:0} ms ({string.Join(", ", full.Select(m => m.ToString("0")))})");
            results.Add(new Result($"outbox search, {RecentlyMarked} marked, {written} case rows", markedMs, "ms", smallestMarked, "ratio ≤ 1.5 (flat)", markedMs / smallestMarked <= 1.5,
                $"baseline: the same at the smallest size; the whole-table scan it replaced every 30 s: {fullMs:0} ms"));
        }

        return results;
    }

    /// <summary>No outbox rows are left to deliver here, so no mail is ever sent.</summary>
    private sealed class NoMail : IMailSender
    {
        public Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The outbox benchmark sends no mail.");
    }
}
