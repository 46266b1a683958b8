using System.Net.Http.Json;
using System.Text.Json;
using LandRedevelopment.Functions.Hosting.CustomHandler;

namespace LandRedevelopment.Functions.Hosting.Local;

/// <summary>The outcome of one invocation: whether the handler answered 2xx, and what it said.</summary>
public sealed record InvocationOutcome(bool Succeeded, int Status, InvocationResult? Result, string? Error);

/// <summary>
/// Calls a function the way the Functions host does: <c>POST {handler}/{FunctionName}</c> with the
/// <c>Data</c>/<c>Metadata</c> envelope, reading back <c>Outputs</c>, <c>Logs</c> and <c>ReturnValue</c>.
/// </summary>
public sealed partial class FunctionInvoker(HttpClient http, ILogger<FunctionInvoker> logger)
{
    public async Task<InvocationOutcome> InvokeAsync(Uri handlerBase, string functionName, InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handlerBase);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(new Uri(handlerBase, functionName), request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return new InvocationOutcome(false, 0, null, e.Message);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new InvocationOutcome(false, (int)response.StatusCode, null, body);
            }

            InvocationResult? result = null;
            if (!string.IsNullOrWhiteSpace(body))
            {
                try
                {
                    result = JsonSerializer.Deserialize<InvocationResult>(body);
                }
                catch (JsonException e)
                {
                    // The host accepts any 2xx body; an unreadable one is worth a warning, not a retry.
                    LogUnreadableResult(logger, functionName, e.Message);
                }
            }

            foreach (var line in result?.Logs ?? [])
            {
                LogFunctionLine(logger, functionName, line);
            }

            return new InvocationOutcome(true, (int)response.StatusCode, result, null);
        }
    }

    /// <summary>The <c>sys</c> metadata every invocation carries.</summary>
    public static JsonElement Sys(string functionName, DateTimeOffset now) =>
        JsonSerializer.SerializeToElement(new InvocationSys(functionName, now, Guid.NewGuid()));

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Function {FunctionName} answered 2xx with an unreadable body: {Error}")]
    private static partial void LogUnreadableResult(ILogger logger, string functionName, string error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "[{FunctionName}] {Line}")]
    private static partial void LogFunctionLine(ILogger logger, string functionName, string line);
}
