using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Hosting.CustomHandler;

/// <summary>
/// Maps the endpoints the Functions host (or the local runner) calls for non-HTTP triggers:
/// <c>POST /{FunctionName}</c> with the invocation envelope. 2xx means done; anything else makes the
/// host retry the message and, after <c>maxDequeueCount</c> tries, move it to the poison queue.
/// </summary>
public static class TriggerEndpoints
{
    /// <summary>A queue-triggered function. <paramref name="bindingName"/> is the trigger's name in function.json.</summary>
    public static RouteHandlerBuilder MapQueueTrigger(this IEndpointRouteBuilder app, string functionName, string bindingName,
        Func<QueueTriggerInvocation, HttpContext, Task<InvocationResult>> handler) =>
        app.MapTrigger(functionName, request => QueueTriggerInvocation.From(request, bindingName), handler);

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
