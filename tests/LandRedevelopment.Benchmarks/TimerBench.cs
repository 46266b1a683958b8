using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Benchmarks;

/// <summary>A TimeProvider that reads like the service's adjustable clock (real time plus the stored offset).</summary>
public sealed class OffsetClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
}

/// <summary>
/// Durable timers: how late a due timer fires with 10,000 others pending, and what one sweep costs as the pending
/// and the due timers grow.
/// </summary>
public static class TimerBench
{
    private const string City = "urumqi";

    /// <summary>
    /// Writes index rows in entity-group transactions of 100, where and as the service keeps timers due beyond
    /// <see cref="TimerIndex.Horizon"/> when scheduled at <paramref name="now"/> (the service clock): the row alone, its
    /// message not yet on the queue; in the near table when due within <see cref="TimerIndex.NearSpan"/>, else in the later one.
    /// </summary>
    public static async Task AddIndexRowsAsync(TableServiceClient tables, IEnumerable<DurableTimer> timers, DateTimeOffset now, int concurrency = 4)
    {
        var batches = timers
            .Select(TimerIndex.Row)
            .GroupBy(row => (Table: TimerIndex.IsNear(row.GetDateTimeOffset("DueAt")!.Value, now) ? TimerIndex.TableName : TimerIndex.LaterTableName, row.PartitionKey))
            .SelectMany(g => g.Chunk(100).Select(chunk => (g.Key.Table, Actions: chunk.Select(row =>
            {
                row["Queued"] = false;
                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, row);
            }).ToList())))
            .ToList();
        await Bench.RunAsync(batches.Count, concurrency, async i => await tables.GetTableClient(batches[i].Table).SubmitTransactionAsync(batches[i].Actions));
    }

    private static IEnumerable<DurableTimer> Pending(int count, DateTimeOffset from, TimeSpan spread, string tag) =>
        Enumerable.Range(0, count).Select(i => new DurableTimer("bench-pending", $"c{tag}{i:D7}", "timer-due-1-district-investigation",
            from + TimeSpan.FromSeconds(Random.Shared.NextDouble() * spread.TotalSeconds)));

    private static async Task<(DateTimeOffset Now, TimeSpan Offset)> ClockAsync(BenchEnv env)
    {
        var body = await env.SendAdminAsync(HttpMethod.Get, "api/admin/clock");
        return (body.GetProperty("now").GetDateTimeOffset(), TimeSpan.Parse(body.GetProperty("offset").GetString()!, CultureInfo.InvariantCulture));
    }

    private static async Task<JsonElement> AdvanceAsync(BenchEnv env, TimeSpan by, bool log = false)
    {
        var sw = Stopwatch.StartNew();
        var body = await env.SendAdminAsync(HttpMethod.Post, "api/admin/clock", new { advance = $"PT{(long)Math.Max(1, Math.Floor(by.TotalSeconds))}S" });
        if (log)
        {
            Bench.Log($"timers: clock advanced by {by} (a sweep included) in {sw.ElapsedMilliseconds} ms");
        }

        return body;
    }

    private static async Task<List<JsonElement>> TimelineAsync(BenchEnv env, string key, string caseId)
    {
        var body = await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Get, City, key, $"cases/{caseId}/timeline"));
        return body.GetProperty("events").EnumerateArray().ToList();
    }

    /// <summary>
    /// Latency: real cases in review, their reminder timers made due a few seconds ahead (the adjustable clock is moved to
    /// just before the reminder instant, and each timer's queue message is scheduled, as the outbox does, to show at it),
    /// with <see cref="BenchOptions.PendingTimers"/> other timers pending (index rows and hidden queue messages). The delay is
    /// the ReminderRaised event's time minus the due time, both on the service's clock.
    /// </summary>
    public static async Task<List<Result>> LatencyAsync(BenchEnv env, BenchOptions o)
    {
        var key = env.Keys[City];
        var conn = env.Azurite.ConnectionString;
        var tables = new TableServiceClient(conn);
        var (now, _) = await ClockAsync(env);

        var sw = Stopwatch.StartNew();
        var pending = Pending(o.PendingTimers, now + TimeSpan.FromDays(150), TimeSpan.FromDays(30), "lat").ToList();
        await AddIndexRowsAsync(tables, pending, now);
        Bench.Log($"timers: {pending.Count} pending timers (index rows, due in 150–180 days) in {sw.Elapsed.TotalSeconds:0.0} s");

        // Groups of cases three days apart on the service clock, so that each group's reminders fall due at their own instant.
        var groups = new List<(DateTimeOffset RemindAt, string Step, List<string> Cases)>();
        for (var g = 0; g < o.LatencyGroups; g++)
        {
            var ids = new string[o.LatencyPerGroup];
            await Bench.RunAsync(ids.Length, 8, async i =>
            {
                var created = await Bench.SendAsync(env.App.Http, Bench.Field(HttpMethod.Post, City, key, "surveys", JsonContent.Create(Bench.Survey(City, candidate: true))), HttpStatusCode.Created);
                ids[i] = created.GetProperty("caseId").GetString()!;
            });
            var entered = new Dictionary<string, (DateTimeOffset, string)>();
            var deadline = Stopwatch.StartNew();
            while (entered.Count < ids.Length)
            {
                foreach (var id in ids.Where(id => !entered.ContainsKey(id)))
                {
                    var step = (await TimelineAsync(env, key, id)).FirstOrDefault(e => e.GetProperty("type").GetString() == "StepEntered");
                    if (step.ValueKind == JsonValueKind.Object)
                    {
                        var data = step.GetProperty("data");
                        entered[id] = (data.GetProperty("remindAt").GetDateTimeOffset(), data.GetProperty("stepId").GetString()!);
                    }
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("cases did not enter review");
                }

                await Task.Delay(200);
            }

            foreach (var instants in entered.GroupBy(e => e.Value))
            {
                groups.Add((instants.Key.Item1, instants.Key.Item2, instants.Select(e => e.Key).ToList()));
            }

            await AdvanceAsync(env, TimeSpan.FromDays(3), log: true);
        }

        var delays = new List<double>();
        var lead = TimeSpan.FromSeconds(3);
        foreach (var group in groups.OrderBy(g => g.RemindAt))
        {
            // Two moves: the first to a minute before (its sweep fires whatever earlier groups left due, however long that
            // takes), the second, cheap, to just before the instant.
            // First to just outside the horizon (that move's sweep fires whatever earlier groups left due), then to 3 s
            // before: that move's sweep puts the group's timers on the queue, hidden until due, as every sweep does for
            // timers coming within the horizon.
            foreach (var before in new[] { TimerIndex.Horizon + TimeSpan.FromMinutes(1), lead })
            {
                (now, _) = await ClockAsync(env);
                if (group.RemindAt - now > before)
                {
                    await AdvanceAsync(env, group.RemindAt - now - before, log: true);
                }
            }

            (now, _) = await ClockAsync(env);
            if (group.RemindAt <= now)
            {
                Bench.Log($"timers: group due {group.RemindAt:O} already passed ({now:O}); skipped");
                continue;
            }

            var waitUntil = Stopwatch.StartNew();
            var fired = new Dictionary<string, DateTimeOffset>();
            await Task.Delay(group.RemindAt - now);

            // A fired timer's index row is removed after its transition committed. Watching the group's index rows is one
            // query a round; reading 40 timelines every 250 ms would load Azurite (each a scan of the whole cases table)
            // and slow down the very firings being measured. The delay itself comes from the events' own times.
            var timerKey = $"timer-remind-1-{group.Step}";
            var waiting = group.Cases.Select(id => $"{City}|{id}|{timerKey}").ToHashSet(StringComparer.Ordinal);
            var indexFilter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {"due-" + group.RemindAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)} and RowKey ge {City + "|"} and RowKey lt {City + "}"}");
            while (waitUntil.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(250);
                var left = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var row in tables.GetTableClient(TimerIndex.TableName).QueryAsync(indexFilter, select: ["RowKey"]))
                {
                    left.Add(row.RowKey!);
                }

                if (!waiting.Overlaps(left))
                {
                    break;
                }
            }

            foreach (var id in group.Cases)
            {
                var reminder = (await TimelineAsync(env, key, id)).FirstOrDefault(e => e.GetProperty("type").GetString() == "ReminderRaised");
                if (reminder.ValueKind == JsonValueKind.Object)
                {
                    fired[id] = reminder.GetProperty("at").GetDateTimeOffset();
                }
            }

            delays.AddRange(fired.Values.Select(at => (at - group.RemindAt).TotalMilliseconds));
            var sorted = fired.Values.Select(at => (at - group.RemindAt).TotalMilliseconds).Order().ToList();
            Bench.Log($"timers: group of {group.Cases.Count} due {group.RemindAt:O}: {fired.Count} fired, max delay {sorted.DefaultIfEmpty().Max():0} ms " +
                $"(min {sorted.DefaultIfEmpty().Min():0}, quartiles {string.Join(" / ", new[] { 25, 50, 75 }.Select(q => Bench.Percentile(sorted, q).ToString("0", CultureInfo.InvariantCulture)))} ms)");
            if (fired.Count < group.Cases.Count)
            {
                delays.AddRange(Enumerable.Repeat(90_000.0, group.Cases.Count - fired.Count));
            }
        }

        var p50 = Bench.Percentile(delays, 50) / 1000;
        var p99 = Bench.Percentile(delays, 99) / 1000;
        Bench.Log($"timers: delay from due to fired over {delays.Count} timers: p50 {p50:0.00} s, p99 {p99:0.00} s, max {delays.DefaultIfEmpty().Max() / 1000:0.00} s");
        return
        [
            new Result($"timer delay p50 ({o.PendingTimers} pending)", p50, "s", null, null, null, $"{delays.Count} timers in {groups.Count} bursts"),
            new Result($"timer delay p99 ({o.PendingTimers} pending)", p99, "s", null, "≤ 2 s", p99 <= 2.0, $"max {delays.DefaultIfEmpty().Max() / 1000:0.00} s"),
        ];
    }

    /// <summary>
    /// Sweep cost: a fresh environment; pending index rows grow through <see cref="BenchOptions.SweepPending"/> (due weeks
    /// ahead, written in batches of 100), and at each size one sweep (POST /api/admin/clock, which sweeps before answering)
    /// is timed with <see cref="BenchOptions.SweepDue"/> timers due. Due rows name cases that do not exist, so each costs
    /// what a cancelled timer costs: the timer-row read and the index-row delete.
    /// </summary>
    public static async Task<List<Result>> SweepAsync(string appDir, BenchOptions o)
    {
        await using var env = await BenchEnv.StartAsync(appDir, withMail: false, seed: false, adjustableClock: true);
        var tables = new TableServiceClient(env.Azurite.ConnectionString);
        var table = tables.GetTableClient(TimerIndex.TableName);
        var results = new List<Result>();
        var written = 0;
        var sw = Stopwatch.StartNew();
        var cost = new Dictionary<(int Pending, int Due), double>();
        var moveIn = new Dictionary<int, (double Ms, int Rows)>();

        // Untimed first: sweeps firing as many timers as the largest measured sweep. The app's code and Azurite (a fresh
        // Node.js process) warm up over the first thousand or so timers fired; without this the first size measured (the
        // baseline of the flat-in-pending ratio) paid for it and every later size looked cheaper than it is.
        for (var w = 0; w < 2; w++)
        {
            var (warmNow, _) = await ClockAsync(env);
            await AddIndexRowsAsync(tables, Enumerable.Range(0, o.SweepDue.Max()).Select(i =>
                new DurableTimer("bench-due", $"w{w}-{i:D6}-{Guid.NewGuid():N}"[..24], "timer-due-1-district-investigation", warmNow - TimeSpan.FromMinutes(1))), warmNow);
            sw.Restart();
            await AdvanceAsync(env, TimeSpan.FromSeconds(1));
            Bench.Log($"sweep: warm-up {w + 1}, {o.SweepDue.Max()} due: {sw.ElapsedMilliseconds} ms (not counted)");
        }

        foreach (var pending in o.SweepPending.Order())
        {
            var (now, _) = await ClockAsync(env);
            sw.Restart();
            await AddIndexRowsAsync(tables, Pending(pending - written, now + TimeSpan.FromHours(1), TimeSpan.FromDays(60), $"p{pending}-"), now);
            Bench.Log($"sweep: {pending - written} pending index rows written in {sw.Elapsed.TotalSeconds:0.0} s");
            written = pending;
            foreach (var due in o.SweepDue)
            {
                var samples = new List<double>();
                var repeats = due >= 1000 ? 1 : o.SweepRepeats;
                for (var r = 0; r < repeats; r++)
                {
                    (now, _) = await ClockAsync(env);
                    await AddIndexRowsAsync(tables, Enumerable.Range(0, due).Select(i =>
                        new DurableTimer("bench-due", $"d{r}-{i:D6}-{Guid.NewGuid():N}"[..24], "timer-due-1-district-investigation", now - TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(i % 600))), now);
                    sw.Restart();
                    await AdvanceAsync(env, TimeSpan.FromSeconds(1));
                    samples.Add(sw.Elapsed.TotalMilliseconds);
                }

                var left = 0;
                await foreach (var _ in table.QueryAsync(TimerIndex.DueByFilter((await ClockAsync(env)).Now)))
                {
                    left++;
                }

                cost[(pending, due)] = Bench.Median(samples);
                Bench.Log($"sweep: {pending} pending, {due} due: {cost[(pending, due)]:0} ms (samples {string.Join(", ", samples.Select(s => s.ToString("0", CultureInfo.InvariantCulture)))}; {left} due rows left)");
            }

            // What a sweep pays once an hour on top: the move-in's query of the later table (the rows it finds are the
            // day's newcomers, moved whatever the size). Timed here as the same request the sweep makes, median of three.
            var moveInFilter = TimerIndex.DueByFilter((await ClockAsync(env)).Now + TimerIndex.NearSpan);
            var queries = new List<double>();
            var found = 0;
            for (var r = 0; r < 3; r++)
            {
                sw.Restart();
                found = 0;
                await foreach (var _ in tables.GetTableClient(TimerIndex.LaterTableName).QueryAsync(moveInFilter))
                {
                    found++;
                }

                queries.Add(sw.Elapsed.TotalMilliseconds);
            }

            moveIn[pending] = (Bench.Median(queries), found);
            Bench.Log($"sweep: {pending} pending, the hourly move-in's query: {moveIn[pending].Ms:0} ms ({found} rows within a day)");
        }

        var smallest = o.SweepPending.Min();
        var dueRef = o.SweepDue.OrderBy(d => Math.Abs(d - 100)).First();
        foreach (var pending in o.SweepPending.Order())
        {
            var ratio = cost[(pending, dueRef)] / cost[(smallest, dueRef)];
            results.Add(new Result($"one sweep, {dueRef} due, {pending} pending", cost[(pending, dueRef)], "ms", cost[(smallest, dueRef)],
                pending == smallest ? null : "ratio ≤ 1.5 (flat in pending)", pending == smallest ? null : ratio <= 1.5,
                $"baseline: {smallest} pending"));
        }

        foreach (var pending in o.SweepPending.Order())
        {
            results.Add(new Result($"hourly move-in query, {pending} pending", moveIn[pending].Ms, "ms", moveIn[smallest].Ms, null, null,
                $"baseline: {smallest} pending; once an hour, not per sweep; {moveIn[pending].Rows} rows found"));
        }

        var mid = o.SweepPending.Order().ElementAt(o.SweepPending.Length / 2);
        var fewest = o.SweepDue.Min();
        foreach (var due in o.SweepDue.Order().Where(d => d != fewest))
        {
            results.Add(new Result($"one sweep, {due} due, {mid} pending", cost[(mid, due)], "ms", cost[(mid, fewest)], null, null,
                $"baseline: {fewest} due (grows with due)"));
        }

        return results;
    }
}
