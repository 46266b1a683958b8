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
public sealed partial class TimerTriggerListener
{
    private readonly FunctionDefinition _function;
    private readonly TimerSchedule _schedule;
    private readonly BlobClient? _status;
    private readonly FunctionInvoker _invoker;
    private readonly Uri _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TimerTriggerListener(FunctionDefinition function, TimerSchedule schedule, BlobClient? status,
        FunctionInvoker invoker, Uri handler, TimeProvider time, ILogger logger)
    {
        _function = function;
        _schedule = schedule;
        _status = status;
        _invoker = invoker;
        _handler = handler;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        LogScheduled(_logger, _function.Name, _schedule.ToString() ?? "");
        var status = await ReadStatusAsync(stoppingToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();

        if (status is not null && status.Next <= now)
        {
            await FireAsync(status.Next, status, pastDue: true, stoppingToken).ConfigureAwait(false);
            status = await ReadStatusAsync(stoppingToken).ConfigureAwait(false);
        }
        else if (_function.Trigger.RunOnStartup)
        {
            await FireAsync(now, status, pastDue: false, stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var due = _schedule.GetNextOccurrence(_time.GetUtcNow());
            var wait = due - _time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
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
        var now = _time.GetUtcNow();
        var timer = new TimerInfo { ScheduleStatus = previous, IsPastDue = pastDue };
        var request = new InvocationRequest
        {
            Data = { [_function.Trigger.Name] = JsonSerializer.SerializeToElement(timer) },
            Metadata = { ["sys"] = FunctionInvoker.Sys(_function.Name, now) },
        };

        InvocationOutcome outcome;
        try
        {
            outcome = await _invoker.InvokeAsync(_handler, _function.Name, request, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return previous;
        }

        if (outcome.Succeeded)
        {
            LogFired(_logger, _function.Name, due, pastDue);
        }
        else
        {
            // The host does not retry a failed timer invocation; the next occurrence is the retry.
            LogFailed(_logger, _function.Name, due, outcome.Status, outcome.Error ?? "");
        }

        var status = new ScheduleStatus { Last = due, Next = _schedule.GetNextOccurrence(due > now ? due : now), LastUpdated = _time.GetUtcNow() };
        await WriteStatusAsync(status, token).ConfigureAwait(false);
        return status;
    }

    private async Task<ScheduleStatus?> ReadStatusAsync(CancellationToken token)
    {
        if (_status is null)
        {
            return null;
        }

        try
        {
            var download = await _status.DownloadStreamingAsync(cancellationToken: token).ConfigureAwait(false);
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
        if (_status is null)
        {
            return;
        }

        try
        {
            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(status));
            await _status.UploadAsync(body, new BlobUploadOptions { ContentType = "application/json" }, token).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            LogStatusNotSaved(_logger, _function.Name, e.Status, e.ErrorCode);
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
