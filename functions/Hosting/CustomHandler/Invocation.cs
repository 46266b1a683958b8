using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Functions.Hosting.CustomHandler;

/// <summary>
/// The body the Functions host POSTs to <c>/{FunctionName}</c> for a non-HTTP trigger: <c>Data</c> holds the
/// trigger and input bindings by binding name, <c>Metadata</c> the trigger metadata (and <c>sys</c>).
/// </summary>
public sealed record InvocationRequest
{
    [JsonPropertyName("Data")] public Dictionary<string, JsonElement> Data { get; init; } = [];
    [JsonPropertyName("Metadata")] public Dictionary<string, JsonElement> Metadata { get; init; } = [];
}

/// <summary>
/// The handler's answer: <c>Outputs</c> by output binding name, <c>Logs</c> for the invocation log, and
/// <c>ReturnValue</c> for a <c>$return</c> binding. A non-2xx status tells the host the invocation failed.
/// </summary>
public sealed record InvocationResult
{
    [JsonPropertyName("Outputs")] public Dictionary<string, object?> Outputs { get; init; } = [];
    [JsonPropertyName("Logs")] public List<string> Logs { get; init; } = [];
    [JsonPropertyName("ReturnValue")] public object? ReturnValue { get; init; }
}

/// <summary>The <c>sys</c> metadata the host adds to every invocation.</summary>
public sealed record InvocationSys(
    [property: JsonPropertyName("MethodName")] string MethodName,
    [property: JsonPropertyName("UtcNow")] DateTimeOffset UtcNow,
    [property: JsonPropertyName("RandGuid")] Guid RandGuid);

/// <summary>A queue-trigger invocation read from the envelope: the message text and its metadata.</summary>
public sealed record QueueTriggerInvocation(
    string FunctionName,
    string MessageText,
    string MessageId,
    string? PopReceipt,
    long DequeueCount,
    DateTimeOffset? InsertionTime,
    DateTimeOffset? ExpirationTime,
    DateTimeOffset? NextVisibleTime)
{
    /// <summary>Reads the trigger binding <paramref name="bindingName"/> and the queue metadata.</summary>
    public static QueueTriggerInvocation From(InvocationRequest request, string bindingName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Data.TryGetValue(bindingName, out var data))
        {
            throw new InvalidInvocationException($"Data.{bindingName} is missing.");
        }

        // The host passes the message as a JSON string; a JSON object or array is passed through as its text.
        var text = data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();
        return new QueueTriggerInvocation(
            Sys(request)?.MethodName ?? "",
            text,
            MetaString(request, "Id") ?? throw new InvalidInvocationException("Metadata.Id is missing."),
            MetaString(request, "PopReceipt"),
            request.Metadata.TryGetValue("DequeueCount", out var dc) && dc.ValueKind == JsonValueKind.Number ? dc.GetInt64()
                : long.TryParse(MetaString(request, "DequeueCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 1,
            MetaTime(request, "InsertionTime"),
            MetaTime(request, "ExpirationTime"),
            MetaTime(request, "NextVisibleTime"));
    }

    internal static InvocationSys? Sys(InvocationRequest request) =>
        request.Metadata.TryGetValue("sys", out var sys) && sys.ValueKind == JsonValueKind.Object
            ? sys.Deserialize<InvocationSys>()
            : null;

    private static string? MetaString(InvocationRequest request, string key) =>
        request.Metadata.TryGetValue(key, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    private static DateTimeOffset? MetaTime(InvocationRequest request, string key) =>
        DateTimeOffset.TryParse(MetaString(request, key), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

/// <summary>The timer object the host passes for a timer trigger.</summary>
public sealed record TimerInfo
{
    [JsonPropertyName("Schedule")] public TimerScheduleInfo Schedule { get; init; } = new();
    [JsonPropertyName("ScheduleStatus")] public ScheduleStatus? ScheduleStatus { get; init; }
    [JsonPropertyName("IsPastDue")] public bool IsPastDue { get; init; }
}

/// <summary>The schedule part of the timer object.</summary>
public sealed record TimerScheduleInfo
{
    [JsonPropertyName("AdjustForDST")] public bool AdjustForDst { get; init; } = true;
}

/// <summary>When the timer last fired and will next fire.</summary>
public sealed record ScheduleStatus
{
    [JsonPropertyName("Last")] public DateTimeOffset Last { get; init; }
    [JsonPropertyName("Next")] public DateTimeOffset Next { get; init; }
    [JsonPropertyName("LastUpdated")] public DateTimeOffset LastUpdated { get; init; }
}

/// <summary>A timer-trigger invocation read from the envelope.</summary>
public sealed record TimerTriggerInvocation(string FunctionName, TimerInfo Timer, DateTimeOffset? UtcNow)
{
    public static TimerTriggerInvocation From(InvocationRequest request, string bindingName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Data.TryGetValue(bindingName, out var data))
        {
            throw new InvalidInvocationException($"Data.{bindingName} is missing.");
        }

        var timer = data.ValueKind switch
        {
            JsonValueKind.Object => data.Deserialize<TimerInfo>(),
            JsonValueKind.String => JsonSerializer.Deserialize<TimerInfo>(data.GetString()!),
            _ => null,
        } ?? throw new InvalidInvocationException($"Data.{bindingName} is not a timer object.");
        var sys = QueueTriggerInvocation.Sys(request);
        return new TimerTriggerInvocation(sys?.MethodName ?? "", timer, sys?.UtcNow);
    }
}

/// <summary>The envelope does not have the shape the function needs (answered 400: retrying cannot help).</summary>
public sealed class InvalidInvocationException(string message) : Exception(message);
