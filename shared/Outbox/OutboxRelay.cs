using System.Text.Json;
using Azure;
using LandRedevelopment.Mail;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>How one relay pass went.</summary>
/// <param name="Delivered">Rows delivered and removed.</param>
/// <param name="Failures">Rows left for a later pass, with why.</param>
public sealed record RelayReport(int Delivered, IReadOnlyList<string> Failures)
{
    /// <summary>Nothing to do.</summary>
    public static RelayReport Empty { get; } = new(0, []);

    /// <summary>Both passes together.</summary>
    public RelayReport Add(RelayReport other) => new(Delivered + other.Delivered, [.. Failures, .. other.Failures]);
}

/// <summary>
/// Delivers outbox rows at least once. A row is first leased (an ETag-guarded update), then delivered, then deleted;
/// a relay that dies midway leaves the row to be delivered again once the lease runs out, so a message may go
/// twice but never zero times. Mails carry a stable Message-ID and every queue consumer is idempotent, so a
/// second delivery changes nothing.
/// </summary>
/// <remarks>
/// With <paramref name="marks"/> (the outbox rows transactions marked as written), the periodic search for rows a stopped
/// relay left behind reads the marked rows by key (<see cref="DeliverMarkedAsync"/>); without, it scans the table.
/// </remarks>
public sealed class OutboxRelay(TableClient cases, QueueServiceClient base64Queues, TimerIndex timers, IMailSender mail, TimeProvider time, OutboxMarks? marks = null)
{
    /// <summary>
    /// How long a relay holds a row it is delivering before another may take it: longer than a delivery takes (the SMTP
    /// timeout is 30 s), short enough that a row a dead instance had leased goes out soon after.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(45);

    /// <summary>Delivers every row of one case partition (right after the transition that wrote them).</summary>
    public async Task<RelayReport> DeliverPartitionAsync(string partition, CancellationToken ct)
    {
        return await DeliverAllAsync(PartitionFilter(partition), minAge: TimeSpan.Zero, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers outbox rows a transaction just wrote, as the writer holds them: a row with the ETag the transaction gave
    /// it needs no read (its lease is still guarded by that ETag); one without is read first.
    /// </summary>
    public async Task<RelayReport> DeliverWrittenAsync(IReadOnlyList<TableEntity> written, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(written);
        var rows = new List<TableEntity>();
        foreach (var entity in written)
        {
            if (entity.ETag != default)
            {
                rows.Add(entity);
                continue;
            }

            var row = await cases.GetEntityIfExistsAsync(entity.PartitionKey!, entity.RowKey!, cancellationToken: ct).ConfigureAwait(false);
            if (row.HasValue)
            {
                rows.Add(row.Value!);
            }
        }

        var report = await DeliverAsync(rows, TimeSpan.Zero, ct).ConfigureAwait(false);
        if (marks is not null && written.Count > 0 && report.Delivered == written.Count)
        {
            // Every row went out: the transaction's mark has nothing left for the sweeper. Removed without holding up
            // the writer; a mark left behind costs the sweeper one read per row and its removal.
            _ = ClearQuietlyAsync(marks, written[0].PartitionKey!, written[0].RowKey!);
        }

        return report;
    }

    private static async Task ClearQuietlyAsync(OutboxMarks marks, string partition, string firstRowKey)
    {
        try
        {
            await marks.ClearAsync(partition, firstRowKey, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException)
        {
        }
    }

    /// <summary>
    /// Delivers every row, in any case, written at least <paramref name="minAge"/> ago: what a relay that died (or an app
    /// killed between commit and delivery) left behind. A scan of the whole table: the sweeper runs it at start-up and once a
    /// day, for rows whose mark was never written; <see cref="DeliverMarkedAsync"/> does the periodic work.
    /// </summary>
    public async Task<RelayReport> DeliverStaleAsync(TimeSpan minAge, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey ge {OutboxMessage.RowPrefix} and RowKey lt {Cases.CaseStore.PrefixEnd(OutboxMessage.RowPrefix)}");
        return await DeliverAllAsync(filter, minAge, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers the rows at least <paramref name="minAge"/> old that marks at least that old name (read by key), and removes
    /// each mark none of whose rows remains. Its cost grows with the transitions marked since the last sweeps, not with
    /// the size of the table. Without marks it is <see cref="DeliverStaleAsync"/>.
    /// </summary>
    public async Task<RelayReport> DeliverMarkedAsync(TimeSpan minAge, CancellationToken ct)
    {
        if (marks is null)
        {
            return await DeliverStaleAsync(minAge, ct).ConfigureAwait(false);
        }

        var report = RelayReport.Empty;
        var now = time.GetUtcNow();
        foreach (var mark in await marks.ListAsync(ct).ConfigureAwait(false))
        {
            if (now - mark.At < minAge)
            {
                // Marked just now: the writer's own relay is at work on its rows.
                continue;
            }

            try
            {
                var reads = await Task.WhenAll(mark.Rows.Select(key => cases.GetEntityIfExistsAsync(mark.Partition, key, cancellationToken: ct))).ConfigureAwait(false);
                var rows = reads.Where(r => r.HasValue).Select(r => r.Value!).ToList();
                var delivered = await DeliverAsync(rows, minAge, ct).ConfigureAwait(false);
                report = report.Add(delivered);
                if (delivered.Delivered == rows.Count)
                {
                    await marks.ClearAsync(mark, ct).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException e)
            {
                report = report.Add(new RelayReport(0, [$"{mark.Partition}: {e.Message}"]));
            }
        }

        return report;
    }

    private static string PartitionFilter(string partition) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {OutboxMessage.RowPrefix} and RowKey lt {Cases.CaseStore.PrefixEnd(OutboxMessage.RowPrefix)}");

    private async Task<List<TableEntity>> RowsAsync(string filter, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in cases.QueryAsync(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<RelayReport> DeliverAllAsync(string filter, TimeSpan minAge, CancellationToken ct) =>
        await DeliverAsync(await RowsAsync(filter, ct).ConfigureAwait(false), minAge, ct).ConfigureAwait(false);

    private async Task<RelayReport> DeliverAsync(List<TableEntity> rows, TimeSpan minAge, CancellationToken ct)
    {
        var delivered = 0;
        var failures = new List<string>();
        var now = time.GetUtcNow();
        foreach (var row in rows.OrderBy(r => r.PartitionKey, StringComparer.Ordinal).ThenBy(r => r.RowKey, StringComparer.Ordinal))
        {
            if (now - (row.GetDateTimeOffset("At") ?? now) < minAge || row.GetDateTimeOffset("LeaseUntil") is { } lease && lease > now)
            {
                continue;
            }

            try
            {
                if (await DeliverRowAsync(row, ct).ConfigureAwait(false))
                {
                    delivered++;
                }
            }
            catch (Exception e) when (e is RequestFailedException or MailDeliveryException or HttpRequestException or IOException or JsonException or InvalidOperationException)
            {
                failures.Add($"{row.PartitionKey}/{row.RowKey}: {e.Message}");
            }
        }

        return new RelayReport(delivered, failures);
    }

    private async Task<bool> DeliverRowAsync(TableEntity row, CancellationToken ct)
    {
        // Lease the row: of two relays that read it, only the one whose update lands delivers it now.
        var leased = new TableEntity(row.PartitionKey!, row.RowKey!) { ["LeaseUntil"] = time.GetUtcNow() + Lease };
        Response update;
        try
        {
            update = await cases.UpdateEntityAsync(leased, row.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }

        var message = OutboxMessage.FromEntity(row);
        switch (message.Kind)
        {
            case OutboxKinds.Mail:
                var spec = JsonSerializer.Deserialize<MailMessageSpec>(message.Payload, OutboxMessage.Json)
                    ?? throw new JsonException("An outbox mail has no content.");
                await mail.SendAsync(spec, ct).ConfigureAwait(false);
                break;
            case OutboxKinds.Mails:
                var specs = JsonSerializer.Deserialize<List<MailMessageSpec>>(message.Payload, OutboxMessage.Json)
                    ?? throw new JsonException("An outbox row of mails has no content.");
                await SendMailsAsync(row, update.Headers.ETag, specs, ct).ConfigureAwait(false);
                break;
            case OutboxKinds.Queue:
                var queued = JsonSerializer.Deserialize<OutboxMessage.QueuePayload>(message.Payload, OutboxMessage.Json)
                    ?? throw new JsonException("An outbox queue message has no content.");
                var queue = base64Queues.GetQueueClient(queued.Queue);
                try
                {
                    await queue.SendMessageAsync(queued.Message, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                    await queue.SendMessageAsync(queued.Message, cancellationToken: ct).ConfigureAwait(false);
                }

                break;
            case OutboxKinds.Timer:
                var timer = JsonSerializer.Deserialize<DurableTimer>(message.Payload, OutboxMessage.Json)
                    ?? throw new JsonException("An outbox timer has no content.");
                await timers.ScheduleAsync(timer, ct).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Unknown outbox kind '{message.Kind}'.");
        }

        try
        {
            await cases.DeleteEntityAsync(row.PartitionKey!, row.RowKey!, update.Headers.ETag ?? ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Another relay took it after our lease ran out: it was delivered twice, which consumers absorb.
        }

        return true;
    }

    /// <summary>
    /// Sends a row of mails in order. A mail the server refuses for good (one address) does not hold up the rest; one that
    /// fails for a reason that may pass (the server gone, a timeout) stops the row there, as the rest would fail the same
    /// way. The row is then rewritten, under its lease, with the mails not sent only, and left for a later pass: the
    /// officers whose mail went do not get it again, and a refused address is tried again on its own, as a row of one mail
    /// would be. A relay that dies midway, or a long row on a slow mail server that outlasts its lease, sends the row again
    /// whole: the mails sent before go twice with the Message-IDs they had, which consumers absorb.
    /// </summary>
    private async Task SendMailsAsync(TableEntity row, ETag? leased, List<MailMessageSpec> specs, CancellationToken ct)
    {
        var failed = new List<MailMessageSpec>();
        MailDeliveryException? first = null;
        for (var i = 0; i < specs.Count; i++)
        {
            try
            {
                await mail.SendAsync(specs[i], ct).ConfigureAwait(false);
            }
            catch (MailDeliveryException e)
            {
                first ??= e;
                if (e.IsRetryable)
                {
                    failed.AddRange(specs.Skip(i));
                    break;
                }

                failed.Add(specs[i]);
            }
        }

        if (first is null)
        {
            return;
        }

        if (failed.Count < specs.Count)
        {
            // One row: the mails came from one, and a single mail packs as a row of its own kind.
            var rest = OutboxMessage.Pack([.. failed.Select(OutboxMessage.Mail)])[0];
            var kept = rest.ToEntity(row.PartitionKey!, row.RowKey!, row.GetDateTimeOffset("At") ?? time.GetUtcNow());
            kept["LeaseUntil"] = time.GetUtcNow() + Lease;
            try
            {
                await cases.UpdateEntityAsync(kept, leased ?? ETag.All, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Another relay took the row after our lease ran out: it sends the row as it was, again.
            }
        }

        throw new MailDeliveryException($"{failed.Count} of {specs.Count} mails of the row were not sent: {first.Message}", first.IsRetryable, first.SmtpStatusCode, first);
    }
}
