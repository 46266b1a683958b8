using System.Text.Json;
using Azure;
using LandRedevelopment.Functions.Hosting.CustomHandler;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Queues;

namespace LandRedevelopment.Functions.Hosting.Local;

/// <summary>
/// Polls one queue for one queue-triggered function with the host's semantics: batches of
/// <c>batchSize</c>, exponential back-off to <c>maxPollingInterval</c> when idle, a lease (visibility)
/// renewed while the handler runs, deletion on success, release after <c>visibilityTimeout</c> on
/// failure, and <c>{queue}-poison</c> once a message has been dequeued <c>maxDequeueCount</c> times.
/// </summary>
public sealed partial class QueueTriggerListener(
    FunctionDefinition function, QueueClient queue, QueueClient poison, QueueTriggerSettings settings,
    FunctionInvoker invoker, Uri handler, TimeProvider time, ILogger logger)
{
    // How long a received message stays hidden, renewed at half-time while its handler runs. Short, so that the messages
    // an instance held when it was killed show again within half a minute rather than ten.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
        LogListening(logger, function.Name, queue.Name);

        var delay = MinPollingInterval;
        var inFlight = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                var room = settings.BatchSize + settings.NewBatchThreshold - inFlight.Count;
                messages = room <= 0 ? [] : (await queue.ReceiveMessagesAsync(Math.Min(room, 32), Lease, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (StorageCircuitOpenException e)
            {
                // Storage is known to be down (its breaker logged it once): wait the breaker out instead of polling into it
                // every half second, and logging each poll.
                messages = [];
                delay = e.RetryAfter > delay ? e.RetryAfter : delay;
            }
            catch (RequestFailedException e)
            {
                LogPollFailed(logger, function.Name, e.Status, e.ErrorCode);
                messages = [];
            }

            foreach (var message in messages)
            {
                inFlight.Add(ProcessAsync(message, stoppingToken));
            }

            // Fetch more once the batch drains below the threshold, as the host does.
            while (inFlight.Count > settings.NewBatchThreshold)
            {
                inFlight.Remove(await Task.WhenAny(inFlight).ConfigureAwait(false));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            if (messages.Length > 0)
            {
                delay = MinPollingInterval;
                continue;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
        }

        // Let running invocations finish; an unfinished one becomes visible again when its lease runs out.
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                // Dequeued too often without a verdict (e.g. the process died mid-invocation each time).
                await MoveToPoisonAsync(message, message.PopReceipt, stoppingToken).ConfigureAwait(false);
                return;
            }

            var popReceipt = message.PopReceipt;
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewing = RenewLeaseAsync(message, r => popReceipt = r, renewal.Token);
            InvocationOutcome outcome;
            try
            {
                outcome = await invoker.InvokeAsync(handler, function.Name, Envelope(message), stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                await renewal.CancelAsync().ConfigureAwait(false);
                popReceipt = await renewing.ConfigureAwait(false) ?? popReceipt;
            }

            if (outcome.Succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, popReceipt, stoppingToken).ConfigureAwait(false);
                return;
            }

            LogInvocationFailed(logger, function.Name, message.MessageId, message.DequeueCount, outcome.Status, Truncate(outcome.Error));
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, popReceipt, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the message is tried again.
        }
        catch (RequestFailedException e)
        {
            // Lost the lease (404 on the pop receipt) or storage trouble: the message will reappear.
            LogSettleFailed(logger, function.Name, message.MessageId, e.Status, e.ErrorCode);
        }
    }

    private async Task<string?> RenewLeaseAsync(QueueMessage message, Action<string> renewed, CancellationToken token)
    {
        string? latest = null;
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 2, time, token).ConfigureAwait(false);
                var receipt = await queue.UpdateMessageAsync(message.MessageId, latest ?? message.PopReceipt, visibilityTimeout: Lease, cancellationToken: token).ConfigureAwait(false);
                latest = receipt.Value.PopReceipt;
                renewed(latest);
            }
        }
        catch (OperationCanceledException)
        {
            return latest;
        }
        catch (RequestFailedException e)
        {
            LogSettleFailed(logger, function.Name, message.MessageId, e.Status, e.ErrorCode);
            return latest;
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string popReceipt, CancellationToken token)
    {
        // Send first, then delete: a crash in between leaves a duplicate in poison, never a lost message.
        await poison.SendMessageAsync(message.MessageText, timeToLive: Timeout.InfiniteTimeSpan, cancellationToken: token).ConfigureAwait(false);
        await queue.DeleteMessageAsync(message.MessageId, popReceipt, token).ConfigureAwait(false);
        LogPoisoned(logger, function.Name, message.MessageId, message.DequeueCount, poison.Name);
    }

    private InvocationRequest Envelope(QueueMessage message)
    {
        string Time(DateTimeOffset? t) => t?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return new InvocationRequest
        {
            Data = { [function.Trigger.Name] = JsonSerializer.SerializeToElement(message.MessageText) },
            Metadata =
            {
                ["DequeueCount"] = JsonSerializer.SerializeToElement(message.DequeueCount),
                ["ExpirationTime"] = JsonSerializer.SerializeToElement(Time(message.ExpiresOn)),
                ["Id"] = JsonSerializer.SerializeToElement(message.MessageId),
                ["InsertionTime"] = JsonSerializer.SerializeToElement(Time(message.InsertedOn)),
                ["NextVisibleTime"] = JsonSerializer.SerializeToElement(Time(message.NextVisibleOn)),
                ["PopReceipt"] = JsonSerializer.SerializeToElement(message.PopReceipt),
                ["sys"] = FunctionInvoker.Sys(function.Name, time.GetUtcNow()),
            },
        };
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 500 ? s : s[..500] + "…";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Queue trigger {FunctionName} listening on '{Queue}'")]
    private static partial void LogListening(ILogger logger, string functionName, string queue);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Queue trigger {FunctionName}: polling failed ({Status} {ErrorCode})")]
    private static partial void LogPollFailed(ILogger logger, string functionName, int status, string? errorCode);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Queue trigger {FunctionName}: message {MessageId} failed on try {DequeueCount} (status {Status}): {Error}")]
    private static partial void LogInvocationFailed(ILogger logger, string functionName, string messageId, long dequeueCount, int status, string error);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Queue trigger {FunctionName}: message {MessageId} moved to '{PoisonQueue}' after {DequeueCount} tries")]
    private static partial void LogPoisoned(ILogger logger, string functionName, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Queue trigger {FunctionName}: could not settle message {MessageId} ({Status} {ErrorCode}); it will be delivered again")]
    private static partial void LogSettleFailed(ILogger logger, string functionName, string messageId, int status, string? errorCode);
}
