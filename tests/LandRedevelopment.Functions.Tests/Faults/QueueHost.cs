using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LandRedevelopment.Clock;
using LandRedevelopment.Functions.Tests.Review;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// The review fixture with the app's local trigger runner off: the test plays the Functions host, so it decides how
/// often each queue message is delivered. Nothing sweeps either, so timers fire only through their queue messages.
/// </summary>
public sealed class HostlessReviewFixture : ReviewFixture
{
    protected override IReadOnlyDictionary<string, string?>? AppSettings => new Dictionary<string, string?> { ["LocalTriggers__Enabled"] = "false" };
}

/// <summary>
/// Plays the Functions host for the queue functions: takes each message the product put on <c>case-signals</c> and
/// <c>payments</c> (and, for <c>review-timers</c>, whose messages hide until due in real time, the message of each
/// timer the due-date index says is due by the service's clock) and invokes its function with the host's envelope,
/// <c>POST /{FunctionName}</c> — once for most cases, twice (concurrently) for the cases in <paramref name="twice"/>.
/// </summary>
public sealed partial class QueueHost(ReviewFixture fixture, IReadOnlySet<string> twice)
{
    private static readonly Dictionary<string, (string Function, string Binding)> Functions = new()
    {
        ["case-signals"] = ("CaseSignals", "signal"),
        ["review-timers"] = ("ReviewTimers", "timer"),
        ["payments"] = ("ComputePayments", "payment"),
    };

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly QueueServiceClient _queues = new(fixture.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    private readonly TableClient[] _index =
        [new(fixture.Azurite.ConnectionString, TimerIndex.TableName), new(fixture.Azurite.ConnectionString, TimerIndex.LaterTableName)];
    private readonly ClockStore _clock = new(new TableClient(fixture.Azurite.ConnectionString, "clock"));
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<(string Queue, string Text, string CaseId)> _delivered = new();

    /// <summary>Takes the messages of <paramref name="queue"/> until <paramref name="expected"/> have been delivered (then anything else visible), each once or twice.</summary>
    public async Task PumpAsync(string queue, int expected)
    {
        var client = _queues.GetQueueClient(queue);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var seen = 0;
        while (true)
        {
            var messages = (await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            foreach (var message in messages)
            {
                await DeliverAsync(queue, message.MessageText, first: true);
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                seen++;
            }

            if (seen >= expected && messages.Length == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {seen} of {expected} messages came on {queue}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Fires the timers of <paramref name="caseIds"/> due up to <paramref name="horizon"/> through their messages, earliest
    /// first: the clock moves (in storage, without the sweep the admin call would make) to just past the next due time,
    /// then every timer the index holds as due is delivered — cancelled ones too, whose rows the index keeps until then.
    /// </summary>
    public async Task FireTimersAsync(IReadOnlyList<string> caseIds, DateTimeOffset horizon)
    {
        while (true)
        {
            var pending = (await IndexedAsync(caseIds)).Where(t => t.DueAt <= horizon).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            var target = pending.Min(t => t.DueAt) + TimeSpan.FromMinutes(1);
            await MoveClockPastAsync(target);
            foreach (var timer in pending.Where(t => t.DueAt <= target))
            {
                await DeliverAsync(TimerIndex.QueueName, JsonSerializer.Serialize(timer, Web), first: true);
            }
        }
    }

    /// <summary>Delivers every message a twice-delivered case has had once more, late and in order: a redelivery long after the fact.</summary>
    public async Task RedeliverLateAsync()
    {
        foreach (var (queue, text, _) in _delivered.Where(d => twice.Contains(d.CaseId)).ToList())
        {
            await InvokeAsync(queue, text, dequeueCount: 3);
        }
    }

    /// <summary>Deliveries per queue, for the cases delivered once and twice, and the functions' outcomes.</summary>
    public void Report(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var (what, count) in _counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {what}: {count}");
        }
    }

    public int Count(string what) => _counts.GetValueOrDefault(what);

    private async Task DeliverAsync(string queue, string text, bool first)
    {
        var caseId = JsonDocument.Parse(text).RootElement.TryGetProperty("caseId", out var c) ? c.GetString() ?? "" : "";
        _delivered.Enqueue((queue, text, caseId));
        var copies = twice.Contains(caseId) ? 2 : 1;
        _counts.AddOrUpdate($"{queue}: messages for cases delivered {(copies == 2 ? "twice" : "once")}", 1, (_, n) => n + 1);
        // Both copies at once, as when a lease runs out while the first invocation is still running.
        await Task.WhenAll(Enumerable.Range(1, copies).Select(n => InvokeAsync(queue, text, first ? n : n + 1)));
    }

    private async Task InvokeAsync(string queue, string text, int dequeueCount)
    {
        var (function, binding) = Functions[queue];
        var envelope = new
        {
            Data = new Dictionary<string, object> { [binding] = text },
            Metadata = new Dictionary<string, object>
            {
                ["Id"] = Guid.NewGuid().ToString(), ["DequeueCount"] = dequeueCount, ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                ["sys"] = new { MethodName = function, UtcNow = DateTimeOffset.UtcNow, RandGuid = Guid.NewGuid() },
            },
        };
        using var response = await fixture.App.Http.PostAsJsonAsync(function, envelope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{function} answered {(int)response.StatusCode}: {body}\nmessage: {text}");
        _counts.AddOrUpdate($"{queue}: invocations", 1, (_, n) => n + 1);
        foreach (var log in JsonDocument.Parse(body).RootElement.GetProperty("Logs").EnumerateArray())
        {
            var line = log.GetString() ?? "";
            var outcome = Outcome().Match(line);
            _counts.AddOrUpdate($"{queue}: outcome {(outcome.Success ? outcome.Value : line)}", 1, (_, n) => n + 1);
        }
    }

    private async Task<List<DurableTimer>> IndexedAsync(IReadOnlyList<string> caseIds)
    {
        var timers = new List<DurableTimer>();
        foreach (var table in _index)
        {
            await foreach (var row in table.QueryAsync())
            {
                if (caseIds.Contains(row.GetString("CaseId")))
                {
                    timers.Add(new DurableTimer(row.GetString("TenantId")!, row.GetString("CaseId")!, row.GetString("TimerKey")!, row.GetDateTimeOffset("DueAt")!.Value));
                }
            }
        }

        return timers;
    }

    private async Task MoveClockPastAsync(DateTimeOffset target)
    {
        var now = await fixture.NowAsync();
        if (target > now)
        {
            await _clock.AdvanceAsync(target - now);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await fixture.NowAsync() < target)
        {
            Assert.True(DateTime.UtcNow < deadline, "the app's clock did not follow the stored offset");
            await Task.Delay(200);
        }
    }

    // "… evidence complete → Applied (InReview)", "Timer … : Unchanged.", "Payments of …: Applied (Scheduled)." → the outcome word.
    [GeneratedRegex(@"(Applied|Unchanged|Rejected|NotFound|NotDue|Ignored|re-queued|Invalid|Conflict)")]
    private static partial Regex Outcome();
}
