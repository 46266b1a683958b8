using Azure;
using LandRedevelopment.Outbox;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Functions.Health;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>
/// Creates the tables and queues the app needs before it serves. The first attempt starts as soon as the
/// services exist (<see cref="Begin"/>), so its round trips overlap the rest of start-up; requests that
/// arrive meanwhile wait for it (<see cref="StorageReadiness.UseStorageReadiness"/>), so a healthy start serves nothing
/// before the tables exist. If storage is down at start the app still comes up (health answers 503 and
/// requests answer 503) and the bootstrap keeps trying.
/// </summary>
public sealed partial class StorageBootstrap(
    TenantDirectory tenants, LandRedevelopment.Cases.CaseStore cases, LandRedevelopment.Clock.ClockStore clock, LandRedevelopment.Outbox.TimerIndex timers,
    StorageAccount account, StorageHealth health, TimeProvider time, ILogger<StorageBootstrap> logger) : BackgroundService
{
    /// <summary>How long the first attempt may take before requests are let through (to answer 503) and retries take over.</summary>
    private static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _first;

    /// <summary>Completes once everything exists.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes when the first attempt has ended, whether storage was ready or not.</summary>
    public Task FirstAttempt => Begin();

    /// <summary>Starts the first attempt unless it has started already.</summary>
    public Task Begin()
    {
        // Every request asks; once started, no lock.
        if (Volatile.Read(ref _first) is { } started)
        {
            return started;
        }

        lock (_gate)
        {
            return _first ??= Task.Run(FirstAttemptAsync);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Begin();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await FirstAttempt.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!_ready.Task.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await TryCreateAsync(stoppingToken).ConfigureAwait(false);
            delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
        }
    }

    private async Task FirstAttemptAsync()
    {
        using var first = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        first.CancelAfter(FirstAttemptTimeout);
        // The health probe goes along (it reads the blob, queue and table services), so the first health check
        // answers from what start-up just saw instead of asking storage again.
        await Task.WhenAll(TryCreateAsync(first.Token), health.ProbeAsync(first.Token)).ConfigureAwait(false);
    }

    private async Task TryCreateAsync(CancellationToken ct)
    {
        try
        {
            // Every start but an account's first finds them all: one listing of the tables and one of the queues, side by
            // side, instead of a create per table and queue (ten round trips the first request waits behind, each answered
            // 409 and counted by storage as a failed request). What is missing is created, all at once.
            TableClient[] tables = [tenants.Table, .. cases.Tables, clock.Table, timers.Table, timers.Later];
            string[] queues = [LandRedevelopment.Cases.CaseSignals.QueueName, LandRedevelopment.Payments.Durable.PaymentService.QueueName, TimerIndex.QueueName];
            var listedTables = ListAsync(account.Tables.QueryAsync(cancellationToken: ct), t => t.Name);
            var listedQueues = ListAsync(account.Queues.GetQueuesAsync(cancellationToken: ct), q => q.Name);
            var (existingTables, existingQueues) = (await listedTables.ConfigureAwait(false), await listedQueues.ConfigureAwait(false));
            await Task.WhenAll(
                tables.Where(t => !existingTables.Contains(t.Name)).Select(t => (Task)t.CreateIfNotExistsAsync(ct))
                    .Concat(queues.Where(q => !existingQueues.Contains(q)).Select(q => (Task)account.Base64Queues.GetQueueClient(q).CreateIfNotExistsAsync(cancellationToken: ct))))
                .ConfigureAwait(false);
            _ready.TrySetResult();
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or HttpRequestException)
        {
            LogNotReady(logger, e.Message);
        }
    }

    private static async Task<HashSet<string>> ListAsync<T>(AsyncPageable<T> items, Func<T, string> name)
        where T : notnull
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in items.ConfigureAwait(false))
        {
            names.Add(name(item));
        }

        return names;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Storage is not ready yet ({Reason}); retrying")]
    private static partial void LogNotReady(ILogger logger, string reason);
}

/// <summary>Holds requests until the storage bootstrap's first attempt has ended.</summary>
public static class StorageReadiness
{
    /// <summary>
    /// The server listens while the first attempt is under way (so the connection, routing and pipeline are ready when it
    /// ends), but no request is answered before it ends: a healthy start serves nothing before the tables exist.
    /// </summary>
    public static WebApplication UseStorageReadiness(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Resolved at the first request, not here: start-up builds the bootstrap (and the storage clients) on another thread.
        StorageBootstrap? bootstrap = null;
        app.Use(async (context, next) =>
        {
            bootstrap ??= context.RequestServices.GetRequiredService<StorageBootstrap>();
            var first = bootstrap.FirstAttempt;
            if (!first.IsCompleted)
            {
                await first.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }
}
