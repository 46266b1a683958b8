using System.Text;
using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Shared.Tests.Mail;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Outbox;

/// <summary>The outbox relay against real Azurite (and MailDev for mail): lease, deliver, delete; at least once, and once when relays race.</summary>
[Collection(DurableStorageCollection.Name)]
public class OutboxRelayTests(AzuriteFixture azurite, MailDevFixture mailDev) : IClassFixture<MailDevFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly DurableStorage _storage = new(azurite);

    /// <summary>A relay over a fresh outbox table and timer index, mail recorded unless told otherwise; rows go in partition <see cref="Partition"/>.</summary>
    private sealed class Rig(DurableStorage storage, TableClient table, TimerIndex index, TestClock clock, OutboxMarks marks)
    {
        public string Partition { get; } = "karamay|" + AzuriteFixture.UniqueName("c");

        public OutboxMarks Marks => marks;

        /// <summary>A relay whose periodic search reads the marked rows.</summary>
        public OutboxRelay MarkedRelay() => new(table, storage.Base64Queues, index, Sender, clock, marks);

        public TableClient Table => table;

        public TimerIndex Index => index;

        public TestClock Clock => clock;

        public RecordingMailSender Sender { get; } = new();

        public OutboxRelay Relay(IMailSender? other = null) => new(table, storage.Base64Queues, index, other ?? Sender, clock);

        /// <summary>Writes an outbox row as a committed transition would, <paramref name="age"/> ago.</summary>
        public async Task<string> AddAsync(OutboxMessage message, TimeSpan age = default, int index = 0, string? partition = null)
        {
            var rowKey = OutboxMessage.RowKey(1, index);
            await table.AddEntityAsync(message.ToEntity(partition ?? Partition, rowKey, clock.GetUtcNow() - age));
            return rowKey;
        }

        /// <summary>Writes a mail row with a Message-ID of its own.</summary>
        public async Task<(MailMessageSpec Spec, string RowKey)> AddMailAsync(string subject, TimeSpan age = default, int index = 0)
        {
            var spec = Mail(subject);
            return (spec, await AddAsync(OutboxMessage.Mail(spec), age, index));
        }

        /// <summary>Writes one row of three mails, as a transition mailing three officers would, and answers them in order.</summary>
        public async Task<List<MailMessageSpec>> AddMailsRowAsync(string subject)
        {
            var specs = Enumerable.Range(1, 3).Select(i => Mail($"{subject}{i}")).ToList();
            var rows = OutboxMessage.Pack([.. specs.Select(OutboxMessage.Mail)]);
            Assert.Equal(OutboxKinds.Mails, Assert.Single(rows).Kind);
            await AddAsync(rows[0]);
            return specs;
        }

        public async Task<List<string>> RowKeysAsync() =>
            (await DurableStorage.RowsAsync(table, Partition, OutboxMessage.RowPrefix)).Select(r => r.RowKey!).ToList();

        public List<string> SentIds() => Sender.Sent.Select(m => m.MessageId).ToList();

        public Task<RelayReport> DeliverAsync(OutboxRelay? relay = null) => (relay ?? Relay()).DeliverPartitionAsync(Partition, CancellationToken.None);
    }

    private async Task<Rig> RigAsync()
    {
        var clock = new TestClock(Start);
        return new(_storage, await _storage.NewTableAsync("outbox"), await _storage.NewTimerIndexAsync(clock), clock,
            new OutboxMarks(await _storage.NewTableAsync("marks"), clock));
    }

    private static MailMessageSpec Mail(string subject) => new(
        null, [new Mailbox("district-bureau@karamay.example.test", "区局")], subject, "正文：" + subject, null,
        MailMessageSpec.StableMessageId("relay-test/" + Guid.NewGuid(), "review.land-redevelopment.local"));

    [Fact]
    public async Task A_mail_row_reaches_MailDev_with_its_Message_ID_and_is_removed()
    {
        var rig = await RigAsync();
        var spec = Mail("待审批：克拉玛依区 KM-0001") with { Headers = new Dictionary<string, string> { ["X-Review-Kind"] = "decision-request" } };
        await rig.AddAsync(OutboxMessage.Mail(spec));

        var report = await rig.DeliverAsync(rig.Relay(MailDevSender.Create(mailDev, "review@land-redevelopment.local", "低效用地再开发审查")));

        Assert.Equal((1, 0), (report.Delivered, report.Failures.Count));
        var mail = await mailDev.WaitForAsync(m => m.MessageId == $"<{spec.MessageId}>", TimeSpan.FromSeconds(10));
        Assert.Equal(spec.Subject, mail.Subject);
        Assert.Equal("decision-request", mail.Header("X-Review-Kind"));
        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_row_of_mails_reaches_MailDev_mail_by_mail_in_order_with_their_Message_IDs_and_is_removed()
    {
        var rig = await RigAsync();
        var specs = await rig.AddMailsRowAsync("待审批：克拉玛依区 KM-000");

        var report = await rig.DeliverAsync(rig.Relay(new TeeSender(MailDevSender.Create(mailDev, "review@land-redevelopment.local", "低效用地再开发审查"), rig.Sender)));

        Assert.Equal((1, 0), (report.Delivered, report.Failures.Count));
        Assert.Equal(specs.Select(s => s.MessageId), rig.SentIds());
        foreach (var spec in specs)
        {
            var mail = await mailDev.WaitForAsync(m => m.MessageId == $"<{spec.MessageId}>", TimeSpan.FromSeconds(10));
            Assert.Equal(spec.Subject, mail.Subject);
        }

        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_row_of_mails_whose_server_goes_away_midway_keeps_the_mails_not_sent_and_sends_only_those_after_its_lease()
    {
        var rig = await RigAsync();
        var specs = await rig.AddMailsRowAsync("待审批：KM-010");

        var gone = new FailingSender(rig.Sender, fails: m => m.MessageId != specs[0].MessageId, retryable: true);
        var first = await rig.DeliverAsync(rig.Relay(gone));

        Assert.Equal((0, 1), (first.Delivered, first.Failures.Count));
        Assert.Equal(2, gone.Tries); // the third is not tried once the server is gone
        var kept = Assert.Single(await DurableStorage.RowsAsync(rig.Table, rig.Partition, OutboxMessage.RowPrefix));
        Assert.Equal(OutboxKinds.Mails, kept.GetString("Kind"));
        var second = await rig.DeliverAsync();
        Assert.Equal((0, 0), (second.Delivered, second.Failures.Count)); // still under its lease

        rig.Clock.Advance(OutboxRelay.Lease + TimeSpan.FromSeconds(1));
        var third = await rig.DeliverAsync();

        Assert.Equal((1, 0), (third.Delivered, third.Failures.Count));
        Assert.Equal(specs.Select(s => s.MessageId), rig.SentIds()); // each once: the first was not sent again
        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_mail_of_a_row_the_server_refuses_for_good_does_not_hold_up_the_others_nor_send_them_again()
    {
        var rig = await RigAsync();
        var specs = await rig.AddMailsRowAsync("待审批：KM-020");
        var refusing = new FailingSender(rig.Sender, fails: m => m.MessageId == specs[1].MessageId, retryable: false);
        var relay = rig.Relay(refusing);

        var first = await rig.DeliverAsync(relay);
        Assert.Equal(3, refusing.Tries); // the third is sent after the second is refused
        rig.Clock.Advance(OutboxRelay.Lease + TimeSpan.FromSeconds(1));
        var second = await rig.DeliverAsync(relay);

        Assert.Equal((0, 1), (first.Delivered, first.Failures.Count));
        Assert.Equal((0, 1), (second.Delivered, second.Failures.Count));
        Assert.Equal([specs[0].MessageId, specs[2].MessageId], rig.SentIds());
        // What is left is the refused mail alone, a row of one mail, reported on every pass as such a row always was.
        var kept = Assert.Single(await DurableStorage.RowsAsync(rig.Table, rig.Partition, OutboxMessage.RowPrefix));
        Assert.Equal(OutboxKinds.Mail, kept.GetString("Kind"));
        Assert.Contains(specs[1].MessageId, OutboxMessage.FromEntity(kept).Payload, StringComparison.Ordinal);
    }

    /// <summary>Sends through <paramref name="inner"/> and records in <paramref name="record"/>.</summary>
    private sealed class TeeSender(IMailSender inner, RecordingMailSender record) : IMailSender
    {
        public async Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken)
        {
            await inner.SendAsync(message, cancellationToken);
            await record.SendAsync(message, cancellationToken);
        }
    }

    /// <summary>Fails the mails <paramref name="fails"/> picks; records the others in <paramref name="record"/>; counts every try.</summary>
    private sealed class FailingSender(RecordingMailSender record, Func<MailMessageSpec, bool> fails, bool retryable) : IMailSender
    {
        private int _tries;

        public int Tries => _tries;

        public Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _tries);
            return fails(message)
                ? throw new MailDeliveryException(retryable ? "The SMTP server is gone." : "550 mailbox unavailable", retryable)
                : record.SendAsync(message, cancellationToken);
        }
    }

    [Fact]
    public async Task A_queue_row_lands_base64_on_its_queue_created_on_demand_and_is_removed()
    {
        var rig = await RigAsync();
        var queueName = AzuriteFixture.UniqueName("signals");
        var signal = new CaseSignal("karamay", "c-克拉玛依", CaseSignals.EvidenceCompleteKind, 7);
        await rig.AddAsync(OutboxMessage.Queue(queueName, signal));

        var report = await rig.DeliverAsync();

        Assert.Equal(1, report.Delivered);
        var raw = Assert.Single((await _storage.RawQueue(queueName).PeekMessagesAsync(32)).Value);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(raw.MessageText));
        Assert.Equal(signal, JsonSerializer.Deserialize<CaseSignal>(json, JsonSerializerOptions.Web));
        var decoded = Assert.Single((await _storage.Base64Queues.GetQueueClient(queueName).PeekMessagesAsync(32)).Value);
        Assert.Equal(json, decoded.MessageText);
        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_timer_row_writes_its_index_row_and_when_due_within_the_horizon_a_message_hidden_until_due()
    {
        var rig = await RigAsync();
        await _storage.ClearTimerQueueAsync();
        var far = new DurableTimer("karamay", AzuriteFixture.UniqueName("c"), "timer-due-1-district-investigation", Start.AddDays(3));
        var soon = new DurableTimer("karamay", AzuriteFixture.UniqueName("c"), "timer-remind-1-district-investigation", Start.AddMinutes(2));
        await rig.AddAsync(OutboxMessage.Timer(far));
        await rig.AddAsync(OutboxMessage.Timer(soon));

        var report = await rig.DeliverAsync();

        Assert.Equal(2, report.Delivered);
        Assert.Equal([soon, far], await DurableStorage.IndexedAsync(rig.Index));
        Assert.Equal(1, (await _storage.TimerQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await _storage.TimerQueue.PeekMessagesAsync(32)).Value);
        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_row_that_fails_stays_is_reported_and_goes_on_a_pass_after_its_lease()
    {
        var rig = await RigAsync();
        rig.Sender.Failure = new MailDeliveryException("451 try again later", isRetryable: true);
        var (spec, rowKey) = await rig.AddMailAsync("提醒");
        var relay = rig.Relay();

        var failed = await rig.DeliverAsync(relay);

        Assert.Equal(0, failed.Delivered);
        var failure = Assert.Single(failed.Failures);
        Assert.Contains($"{rig.Partition}/{rowKey}", failure, StringComparison.Ordinal);
        Assert.Contains("451", failure, StringComparison.Ordinal);
        Assert.Equal([rowKey], await rig.RowKeysAsync());

        // Its lease still holds: the next pass leaves it alone (no second try within the lease).
        rig.Sender.Failure = null;
        var leased = await rig.DeliverAsync(relay);
        Assert.Equal((0, 0, 1), (leased.Delivered, leased.Failures.Count, rig.Sender.Tries));

        rig.Clock.Advance(OutboxRelay.Lease + TimeSpan.FromSeconds(1));
        var later = await rig.DeliverAsync(relay);

        Assert.Equal((1, 0), (later.Delivered, later.Failures.Count));
        Assert.Equal([spec.MessageId], rig.SentIds());
        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_row_of_an_unknown_kind_is_reported_and_kept()
    {
        var rig = await RigAsync();
        var rowKey = await rig.AddAsync(new OutboxMessage("fax", "{}"));

        var report = await rig.DeliverAsync();

        Assert.Equal(0, report.Delivered);
        Assert.Contains("fax", Assert.Single(report.Failures), StringComparison.Ordinal);
        Assert.Equal([rowKey], await rig.RowKeysAsync());
    }

    [Fact]
    public async Task Two_relays_racing_over_the_same_rows_deliver_each_row_once()
    {
        var rig = await RigAsync();
        for (var round = 0; round < 5; round++)
        {
            var added = new List<string>();
            for (var i = 0; i < 12; i++)
            {
                added.Add((await rig.AddMailAsync($"round {round} mail {i}", index: i)).Spec.MessageId);
            }

            var before = rig.Sender.Sent.Count;
            var reports = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => rig.DeliverAsync())));

            Assert.Equal(added.Count, reports.Sum(r => r.Delivered));
            Assert.All(reports, r => Assert.Empty(r.Failures));
            Assert.Equal(added.Order(StringComparer.Ordinal), rig.SentIds().Skip(before).Order(StringComparer.Ordinal));
            Assert.Empty(await rig.RowKeysAsync());
        }
    }

    [Fact]
    public async Task DeliverStale_leaves_young_rows_to_their_own_relay_and_delivers_old_ones()
    {
        var rig = await RigAsync();
        var old = await rig.AddMailAsync("old", age: TimeSpan.FromMinutes(30), index: 0);
        var young = await rig.AddMailAsync("young", age: TimeSpan.FromSeconds(5), index: 1);
        var relay = rig.Relay();

        var first = await relay.DeliverStaleAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(1, first.Delivered);
        Assert.Equal([old.Spec.MessageId], rig.SentIds());
        Assert.Equal([young.RowKey], await rig.RowKeysAsync());

        rig.Clock.Advance(TimeSpan.FromSeconds(6));
        var second = await relay.DeliverStaleAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(1, second.Delivered);
        Assert.Equal([old.Spec.MessageId, young.Spec.MessageId], rig.SentIds());
        Assert.Empty(await rig.RowKeysAsync());
    }

    [Fact]
    public async Task A_row_another_relay_leased_is_skipped_until_the_lease_runs_out()
    {
        var rig = await RigAsync();
        var (spec, rowKey) = await rig.AddMailAsync("leased");
        await rig.Table.UpdateEntityAsync(
            new TableEntity(rig.Partition, rowKey) { ["LeaseUntil"] = rig.Clock.GetUtcNow() + TimeSpan.FromMinutes(1) }, Azure.ETag.All, TableUpdateMode.Merge);
        var relay = rig.Relay();

        var whileHeld = await rig.DeliverAsync(relay);
        rig.Clock.Advance(TimeSpan.FromSeconds(59));
        var justBefore = await rig.DeliverAsync(relay);
        var staleScan = await relay.DeliverStaleAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((0, 0, 0), (whileHeld.Delivered, justBefore.Delivered, staleScan.Delivered));
        Assert.Equal(0, rig.Sender.Tries);
        Assert.Equal([rowKey], await rig.RowKeysAsync());

        rig.Clock.Advance(TimeSpan.FromSeconds(2));
        var after = await rig.DeliverAsync(relay);

        Assert.Equal(1, after.Delivered);
        Assert.Equal([spec.MessageId], rig.SentIds());
        Assert.Empty(await rig.RowKeysAsync());
    }
    [Fact]
    public async Task The_marked_sweep_reads_the_marked_rows_only_and_removes_marks_whose_rows_are_gone()
    {
        var rig = await RigAsync();
        var unmarked = "karamay|" + AzuriteFixture.UniqueName("c");
        var marked = await rig.AddMailAsync("marked", age: TimeSpan.FromMinutes(1));
        await rig.Marks.MarkAsync(rig.Partition, [marked.RowKey], CancellationToken.None);
        var lost = Mail("mark never written");
        await rig.AddAsync(OutboxMessage.Mail(lost), age: TimeSpan.FromMinutes(1), partition: unmarked);
        // The mark of a transaction that failed: its row does not exist.
        await rig.Marks.MarkAsync(rig.Partition, [OutboxMessage.RowKey(7, 0)], CancellationToken.None);
        var relay = rig.MarkedRelay();

        // Marked just now: left to the writer's own relay.
        var early = await relay.DeliverMarkedAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(0, early.Delivered);
        Assert.Equal(2, (await rig.Marks.ListAsync(CancellationToken.None)).Count);

        rig.Clock.Advance(TimeSpan.FromSeconds(11));
        var swept = await relay.DeliverMarkedAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(1, swept.Delivered);
        Assert.Equal([marked.Spec.MessageId], rig.SentIds());
        Assert.Empty(await rig.RowKeysAsync());
        Assert.Empty(await rig.Marks.ListAsync(CancellationToken.None));
        Assert.Single(await DurableStorage.RowsAsync(rig.Table, unmarked, OutboxMessage.RowPrefix));

        // The row whose mark was never written waits for the full scan.
        var full = await relay.DeliverStaleAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(1, full.Delivered);
        Assert.Equal([marked.Spec.MessageId, lost.MessageId], rig.SentIds());
        Assert.Empty(await DurableStorage.RowsAsync(rig.Table, unmarked, OutboxMessage.RowPrefix));
    }

    [Fact]
    public async Task A_mark_stays_while_one_of_its_rows_is_too_young_to_deliver_or_fails()
    {
        var rig = await RigAsync();
        var relay = rig.MarkedRelay();
        var old = await rig.AddMailAsync("old", age: TimeSpan.FromMinutes(1), index: 0);
        await rig.Marks.MarkAsync(rig.Partition, [old.RowKey], CancellationToken.None);
        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        var young = await rig.AddMailAsync("young", index: 1);
        await rig.Table.UpdateEntityAsync(new TableEntity(rig.Partition, old.RowKey) { ["At"] = rig.Clock.GetUtcNow() }, Azure.ETag.All, TableUpdateMode.Merge);
        await rig.Marks.MarkAsync(rig.Partition, [old.RowKey, young.RowKey], CancellationToken.None);
        rig.Clock.Advance(TimeSpan.FromSeconds(11));
        await rig.Table.UpdateEntityAsync(new TableEntity(rig.Partition, young.RowKey) { ["At"] = rig.Clock.GetUtcNow() }, Azure.ETag.All, TableUpdateMode.Merge);

        // Both marks are old enough; the second names a row written just now, which is left to its own relay.
        var first = await relay.DeliverMarkedAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(1, first.Delivered);
        Assert.Equal([old.Spec.MessageId], rig.SentIds());
        var kept = Assert.Single(await rig.Marks.ListAsync(CancellationToken.None));
        Assert.Equal([old.RowKey, young.RowKey], kept.Rows);

        // A row that fails to go out keeps its mark too.
        rig.Sender.Failure = new MailDeliveryException("451 try again later", isRetryable: true);
        rig.Clock.Advance(TimeSpan.FromSeconds(11));
        var failed = await relay.DeliverMarkedAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(0, failed.Delivered);
        Assert.Single(failed.Failures);
        Assert.Single(await rig.Marks.ListAsync(CancellationToken.None));

        rig.Sender.Failure = null;
        rig.Clock.Advance(OutboxRelay.Lease);
        var second = await relay.DeliverMarkedAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(1, second.Delivered);
        Assert.Equal([old.Spec.MessageId, young.Spec.MessageId], rig.SentIds());
        Assert.Empty(await rig.Marks.ListAsync(CancellationToken.None));
        Assert.Empty(await rig.RowKeysAsync());
    }
    [Fact]
    public async Task A_relay_that_delivers_every_row_a_transaction_wrote_removes_its_mark_and_one_that_fails_leaves_it()
    {
        var rig = await RigAsync();
        var relay = rig.MarkedRelay();
        var first = await rig.AddMailAsync("first", index: 0);
        var second = await rig.AddMailAsync("second", index: 1);
        await rig.Marks.MarkAsync(rig.Partition, [first.RowKey, second.RowKey], CancellationToken.None);
        var written = await DurableStorage.RowsAsync(rig.Table, rig.Partition, OutboxMessage.RowPrefix);

        rig.Sender.Failure = new MailDeliveryException("451 try again later", isRetryable: true);
        var failed = await relay.DeliverWrittenAsync(written, CancellationToken.None);
        Assert.Equal(0, failed.Delivered);
        await Task.Delay(500);
        Assert.Single(await rig.Marks.ListAsync(CancellationToken.None));

        rig.Sender.Failure = null;
        rig.Clock.Advance(OutboxRelay.Lease + TimeSpan.FromSeconds(1));
        var delivered = await relay.DeliverWrittenAsync(await DurableStorage.RowsAsync(rig.Table, rig.Partition, OutboxMessage.RowPrefix), CancellationToken.None);
        Assert.Equal(2, delivered.Delivered);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await rig.Marks.ListAsync(CancellationToken.None)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The relay did not remove the mark of the rows it delivered.");
            await Task.Delay(50);
        }
    }
}
