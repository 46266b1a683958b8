using System.Text.Json;
using Azure;
using LandRedevelopment.Functions.Hosting.CustomHandler;
using LandRedevelopment.Functions.Hosting.Timers;
using LandRedevelopment.Storage.Blobs;

namespace LandRedevelopment.Functions.Hosting.Local;

/// <summary>
/// Fires one timer-triggered function on its NCRONTAB (or TimeSpan) schedule. Like the host's schedule
/// monitor, it keeps the last and next occurrence in a status blob, so that an occurrence missed while
/// the app was down fires once at start-up with <c>IsPastDue = true</c>.
/// </summary>
public sealed partial class TimerTriggerListener(
    FunctionDefinition function, TimerSchedule schedule, BlobClient? statusBlob,
    FunctionInvoker invoker, Uri handler, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        LogScheduled(logger, function.Name, schedule.ToString() ?? "");
        var status = await ReadStatusAsync(stoppingToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        if (status is not null && status.Next <= now)
        {
            await FireAsync(status.Next, status, pastDue: true, stoppingToken).ConfigureAwait(false);
            status = await ReadStatusAsync(stoppingToken).ConfigureAwait(false);
        }
        else if (function.Trigger.RunOnStartup)
        {
            await FireAsync(now, status, pastDue: false, stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var due = schedule.GetNextOccurrence(time.GetUtcNow());
            var wait = due - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            status = await FireAsync(due, status, pastDue: false, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task<ScheduleStatus?> FireAsync(DateTimeOffset due, ScheduleStatus? previous, bool pastDue, CancellationToken token)
    {
        var now = time.GetUtcNow();
        var timer = new TimerInfo { ScheduleStatus = previous, IsPastDue = pastDue };
        var request = new InvocationRequest
        {
            Data = { [function.Trigger.Name] = JsonSerializer.SerializeToElement(timer) },
            Metadata = { ["sys"] = FunctionInvoker.Sys(function.Name, now) },
        };

        InvocationOutcome outcome;
        try
        {
            outcome = await invoker.InvokeAsync(handler, function.Name, request, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return previous;
        }

        if (outcome.Succeeded)
        {
            LogFired(logger, function.Name, due, pastDue);
        }
        else
        {
            // The host does not retry a failed timer invocation; the next occurrence is the retry.
            LogFailed(logger, function.Name, due, outcome.Status, outcome.Error ?? "");
        }

        var status = new ScheduleStatus { Last = due, Next = schedule.GetNextOccurrence(due > now ? due : now), LastUpdated = time.GetUtcNow() };
        await WriteStatusAsync(status, token).ConfigureAwait(false);
        return status;
    }

    private async Task<ScheduleStatus?> ReadStatusAsync(CancellationToken token)
    {
        if (statusBlob is null)
        {
            return null;
        }

        try
        {
            var download = await statusBlob.DownloadStreamingAsync(cancellationToken: token).ConfigureAwait(false);
            await using var content = download.Value.Content;
            return await JsonSerializer.DeserializeAsync<ScheduleStatus>(content, cancellationToken: token).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task WriteStatusAsync(ScheduleStatus status, CancellationToken token)
    {
        if (statusBlob is null)
        {
            return;
        }

        try
        {
            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(status));
            await statusBlob.UploadAsync(body, new BlobUploadOptions { ContentType = "application/json" }, token).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            LogStatusNotSaved(logger, function.Name, e.Status, e.ErrorCode);
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Timer trigger {FunctionName} scheduled: {Schedule}")]
    private static partial void LogScheduled(ILogger logger, string functionName, string schedule);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Timer trigger {FunctionName} fired for {Due:O} (past due: {PastDue})")]
    private static partial void LogFired(ILogger logger, string functionName, DateTimeOffset due, bool pastDue);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Timer trigger {FunctionName} failed for {Due:O} (status {Status}): {Error}")]
    private static partial void LogFailed(ILogger logger, string functionName, DateTimeOffset due, int status, string error);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Timer trigger {FunctionName}: schedule status not saved ({Status} {ErrorCode})")]
    private static partial void LogStatusNotSaved(ILogger logger, string functionName, int status, string? errorCode);
}
