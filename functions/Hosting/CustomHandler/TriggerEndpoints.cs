using System.Diagnostics;
using System.Text.Json;
using LandRedevelopment.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LandRedevelopment.Functions.Hosting.CustomHandler;

/// <summary>
/// Maps the endpoints the Functions host (or the local runner) calls for non-HTTP triggers:
/// <c>POST /{FunctionName}</c> with the invocation envelope. 2xx means done; anything else makes the
/// host retry the message and, after <c>maxDequeueCount</c> tries, move it to the poison queue.
/// </summary>
public static partial class TriggerEndpoints
{
    /// <summary>
    /// A queue-triggered function. <paramref name="bindingName"/> is the trigger's name in function.json. While storage is
    /// unavailable the handler is tried again within the invocation, for up to <see cref="StorageOutageOptions.QueueOutageHold"/>
    /// (handlers are idempotent: queues deliver at least once), so that an outage does not spend the message's tries.
    /// </summary>
    public static RouteHandlerBuilder MapQueueTrigger(this IEndpointRouteBuilder app, string functionName, string bindingName,
        Func<QueueTriggerInvocation, HttpContext, Task<InvocationResult>> handler) =>
        app.MapTrigger(functionName, request => QueueTriggerInvocation.From(request, bindingName), (invocation, http) => HoldThroughOutageAsync(functionName, invocation, http, handler));

    private static async Task<InvocationResult> HoldThroughOutageAsync(string functionName, QueueTriggerInvocation invocation, HttpContext http,
        Func<QueueTriggerInvocation, HttpContext, Task<InvocationResult>> handler)
    {
        var hold = http.RequestServices.GetRequiredService<IOptions<StorageOutageOptions>>().Value.QueueOutageHold;
        var started = Stopwatch.GetTimestamp();
        for (var held = 0; ; held++)
        {
            try
            {
                var result = await handler(invocation, http).ConfigureAwait(false);
                if (held > 0)
                {
                    LogResumed(Logger(http), functionName, invocation.MessageId, held);
                }

                return result;
            }
            catch (Azure.RequestFailedException e) when (StorageOutages.IsUnavailable(e) && !http.RequestAborted.IsCancellationRequested)
            {
                var left = hold - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    throw;
                }

                // An open breaker says when to try again; otherwise the retries were spent on an answerless storage.
                var wait = e is StorageCircuitOpenException open ? open.RetryAfter : StorageCircuitBreakers.DefaultBreakDuration;
                wait = TimeSpan.FromTicks(Math.Clamp(wait.Ticks, TimeSpan.FromMilliseconds(200).Ticks, left.Ticks));
                if (held == 0)
                {
                    LogHolding(Logger(http), functionName, invocation.MessageId, e.Status, e.ErrorCode, Math.Ceiling(hold.TotalSeconds));
                }

                await Task.Delay(wait, http.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TriggerEndpoints).FullName!);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning,
        Message = "{Function} holds message {MessageId}: storage is unavailable ({Status} {ErrorCode}); trying again for up to {HoldSeconds} s before the try fails")]
    private static partial void LogHolding(ILogger logger, string function, string messageId, int status, string? errorCode, double holdSeconds);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "{Function} handled message {MessageId} after storage came back ({Held} tries held)")]
    private static partial void LogResumed(ILogger logger, string function, string messageId, int held);

    /// <summary>A timer-triggered function. <paramref name="bindingName"/> is the trigger's name in function.json.</summary>
    public static RouteHandlerBuilder MapTimerTrigger(this IEndpointRouteBuilder app, string functionName, string bindingName,
        Func<TimerTriggerInvocation, HttpContext, Task<InvocationResult>> handler) =>
        app.MapTrigger(functionName, request => TimerTriggerInvocation.From(request, bindingName), handler);

    private static RouteHandlerBuilder MapTrigger<T>(this IEndpointRouteBuilder app, string functionName,
        Func<InvocationRequest, T> read, Func<T, HttpContext, Task<InvocationResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapPost("/" + functionName, async Task<Results<Ok<InvocationResult>, ProblemHttpResult>> (HttpContext http) =>
            {
                InvocationRequest? request;
                try
                {
                    request = await http.Request.ReadFromJsonAsync<InvocationRequest>(http.RequestAborted);
                }
                catch (JsonException e)
                {
                    return TypedResults.Problem(statusCode: 400, title: "The invocation envelope is not valid JSON.", detail: e.Message);
                }

                if (request is null)
                {
                    return TypedResults.Problem(statusCode: 400, title: "The invocation envelope is empty.");
                }

                T invocation;
                try
                {
                    invocation = read(request);
                }
                catch (InvalidInvocationException e)
                {
                    return TypedResults.Problem(statusCode: 400, title: "The invocation envelope does not fit the function.", detail: e.Message);
                }

                return TypedResults.Ok(await handler(invocation, http));
            })
            .WithName(functionName)
            .ExcludeFromDescription();
    }
}
