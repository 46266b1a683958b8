using Azure;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>
/// Creates the tables and containers the app needs before it serves. If storage is down at start the
/// app still comes up (health answers 503 and requests answer 503) and the bootstrap keeps trying.
/// </summary>
public sealed partial class StorageBootstrap(
    TenantDirectory tenants, LandRedevelopment.Cases.CaseStore cases, LandRedevelopment.Clock.ClockStore clock, LandRedevelopment.Outbox.TimerIndex timers,
    StorageAccount account, TimeProvider time, ILogger<StorageBootstrap> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once everything exists.</summary>
    public Task Ready => _ready.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Try once inline so that a healthy start serves nothing before the tables exist.
        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        first.CancelAfter(TimeSpan.FromSeconds(10));
        await TryCreateAsync(first.Token).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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

    private async Task TryCreateAsync(CancellationToken ct)
    {
        try
        {
            // All at once: they are independent, and each is a round trip the first request would otherwise wait for.
            await Task.WhenAll(
                tenants.EnsureCreatedAsync(ct),
                cases.EnsureCreatedAsync(ct),
                clock.EnsureCreatedAsync(ct),
                timers.EnsureCreatedAsync(ct),
                account.Base64Queues.GetQueueClient(LandRedevelopment.Cases.CaseSignals.QueueName).CreateIfNotExistsAsync(cancellationToken: ct),
                account.Base64Queues.GetQueueClient(LandRedevelopment.Payments.Durable.PaymentService.QueueName).CreateIfNotExistsAsync(cancellationToken: ct)).ConfigureAwait(false);
            _ready.TrySetResult();
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or HttpRequestException)
        {
            LogNotReady(logger, e.Message);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Storage is not ready yet ({Reason}); retrying")]
    private static partial void LogNotReady(ILogger logger, string reason);
}
