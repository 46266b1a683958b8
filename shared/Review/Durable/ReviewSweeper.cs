using Azure;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Review.Durable;

/// <summary>What one sweep did.</summary>
/// <param name="TimersFired">Timers that fired (changed their case).</param>
/// <param name="TimersCleared">Index rows of timers cancelled or fired before.</param>
/// <param name="Relayed">The outbox relay's report.</param>
/// <param name="Failures">Timers that failed to fire (left for the next sweep).</param>
public sealed record SweepReport(int TimersFired, int TimersCleared, RelayReport Relayed, IReadOnlyList<string> Failures)
{
    /// <summary>Timers put on the queue as they came within the horizon.</summary>
    public int TimersQueued { get; init; }

    /// <summary>Timers moved from the later index table into the one every sweep reads.</summary>
    public int TimersMovedIn { get; init; }

    /// <summary>Whether the sweep looked for outbox rows in the whole cases table rather than reading the rows transactions marked.</summary>
    public bool FullOutboxScan { get; init; }
}

/// <summary>
/// The safety net under queue timers and the inline relay: fires every indexed timer that is due (after downtime,
/// a lost message, or the adjustable clock moved forward) and relays outbox rows a stopped instance left behind.
/// Run by a timer trigger, at start-up, and after the clock is advanced. Safe to run anywhere, any number of times
/// at once: a timer fires through its case's ETag-guarded transaction, so it fires once.
/// </summary>
public sealed class ReviewSweeper(TimerIndex index, ReviewService review, OutboxRelay relay, TimeProvider time, CaseTimers? owners = null)
{
    private readonly CaseTimers _timers = owners ?? new CaseTimers([review]);

    /// <summary>Outbox rows younger than this are left to the relay of the transition that wrote them.</summary>
    public static readonly TimeSpan OutboxGrace = TimeSpan.FromSeconds(10);

    /// <summary>How many cases a sweep fires timers for at once; each case's own timers fire in turn.</summary>
    public const int CasesAtOnce = 8;

    /// <summary>
    /// Timers overdue by less than this are left to their queue messages, which show when the timer is due and are
    /// picked up within the queue's polling interval; a periodic sweep firing them too would only race those messages.
    /// </summary>
    public static readonly TimeSpan TimerGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a sweep scans the whole cases table for outbox rows (the first sweep of an instance always does): for
    /// rows whose mark was never written. Every other sweep reads the marked rows only.
    /// </summary>
    public static readonly TimeSpan FullOutboxScanInterval = TimeSpan.FromDays(1);

    // When this instance last scanned the whole table (UTC ticks of the service clock; 0 = never).
    private long _fullScanTicks;

    /// <summary>One sweep of everything due now (as after the clock was moved); outbox rows at least <paramref name="outboxMinAge"/> old are relayed.</summary>
    public Task<SweepReport> SweepAsync(TimeSpan outboxMinAge, CancellationToken ct) => SweepAsync(outboxMinAge, TimeSpan.Zero, ct);

    /// <summary>
    /// One sweep: fires the timers due at least <paramref name="timerMinOverdue"/> ago, and relays outbox rows at least
    /// <paramref name="outboxMinAge"/> old.
    /// </summary>
    public async Task<SweepReport> SweepAsync(TimeSpan outboxMinAge, TimeSpan timerMinOverdue, CancellationToken ct)
    {
        var fired = 0;
        var cleared = 0;
        var failures = new List<string>();
        var due = new List<DurableTimer>();
        var firedUpTo = time.GetUtcNow() - timerMinOverdue;

        // What comes within the horizon goes on the queue; what is older than that the sweep fires itself.
        var found = await index.SweepAsync(firedUpTo, ct).ConfigureAwait(false);
        due.AddRange(found.Due);
        if (found.MoveInFailure is not null)
        {
            failures.Add(found.MoveInFailure);
        }

        // Cases are independent, so several fire at once (after downtime, or the clock moved a month, thousands fall
        // due together); a case's own timers fire one after another in the order they fell due, as they would have.
        var cases = due.GroupBy(t => (t.TenantId, t.CaseId))
            .Select(g => g.OrderBy(t => t.DueAt).ToList())
            .OrderBy(g => g[0].DueAt)
            .ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = CasesAtOnce, CancellationToken = ct };
        await Parallel.ForEachAsync(cases, options, async (timers, token) =>
        {
            foreach (var timer in timers)
            {
                try
                {
                    var outcome = await _timers.FireAsync(timer, token).ConfigureAwait(false);
                    if (outcome == TimerFiring.NotDue)
                    {
                        continue;
                    }

                    await index.RemoveAsync(timer, token).ConfigureAwait(false);
                    if (outcome == TimerFiring.Applied)
                    {
                        Interlocked.Increment(ref fired);
                    }
                    else
                    {
                        Interlocked.Increment(ref cleared);
                    }
                }
                catch (Exception e) when (e is RequestFailedException or TableTransactionFailedException or InvalidOperationException or HttpRequestException)
                {
                    lock (failures)
                    {
                        failures.Add($"{timer.TenantId}/{timer.CaseId}/{timer.TimerKey}: {e.Message}");
                    }
                }
            }
        }).ConfigureAwait(false);

        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref _fullScanTicks);
        var full = last == 0 || now.UtcTicks - last >= FullOutboxScanInterval.Ticks || now.UtcTicks < last;
        RelayReport relayed;
        if (full)
        {
            relayed = await relay.DeliverStaleAsync(outboxMinAge, ct).ConfigureAwait(false);
            Interlocked.Exchange(ref _fullScanTicks, now.UtcTicks);
        }
        else
        {
            relayed = await relay.DeliverMarkedAsync(outboxMinAge, ct).ConfigureAwait(false);
        }

        return new SweepReport(fired, cleared, relayed, failures) { TimersQueued = found.Queued, TimersMovedIn = found.MovedIn, FullOutboxScan = full };
    }
}
