using LandRedevelopment.Storage;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>Settings of the storage circuit breakers (section <c>Storage</c>).</summary>
public sealed class StorageOutageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// How long a storage endpoint's breaker stays open after a call failed for lack of storage: meanwhile calls to it
    /// answer 503 at once instead of waiting out the retries (<c>Storage__BreakDuration</c>, default <c>00:00:05</c>).
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = StorageCircuitBreakers.DefaultBreakDuration;

    /// <summary>
    /// How long a queue-triggered function holds its message and tries again while storage is unavailable, before it
    /// fails the try (<c>Storage__QueueOutageHold</c>, default <c>00:02:00</c>). The host keeps a running invocation's
    /// message invisible, so an outage shorter than this costs none of the message's five tries; without the hold, a
    /// half-minute outage would move messages to their poison queue.
    /// </summary>
    public TimeSpan QueueOutageHold { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// The app's one set of storage circuit breakers: every <see cref="StorageAccount"/> of the app is built on it, so the API,
/// the storage bootstrap and the local trigger runner's listeners see the same breaker for an endpoint. An outage is
/// logged once when a breaker opens and once when it closes, not per refused call.
/// </summary>
public static partial class StorageOutages
{
    /// <summary>
    /// Whether a storage failure says storage is out of reach or not ready (status 0, a 5xx, an open breaker, a table,
    /// queue or container not created yet) rather than refusing the request: the caller can only wait and retry.
    /// </summary>
    public static bool IsUnavailable(Azure.RequestFailedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Status is 0 or >= 500 || e.ErrorCode is "TableNotFound" or "QueueNotFound" or "ContainerNotFound";
    }

    public static IServiceCollection AddStorageCircuitBreakers(this IServiceCollection services)
    {
        services.AddOptions<StorageOutageOptions>().BindConfiguration(StorageOutageOptions.Section)
            .Validate(o => o.BreakDuration > TimeSpan.Zero, $"{StorageOutageOptions.Section}:{nameof(StorageOutageOptions.BreakDuration)} must be longer than zero.")
            .Validate(o => o.QueueOutageHold >= TimeSpan.Zero, $"{StorageOutageOptions.Section}:{nameof(StorageOutageOptions.QueueOutageHold)} must not be negative.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var breakers = new StorageCircuitBreakers(sp.GetRequiredService<IOptions<StorageOutageOptions>>().Value.BreakDuration, sp.GetRequiredService<TimeProvider>());
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageCircuitBreakers).FullName!);
            breakers.Opened += (_, e) => LogOpened(logger, e.Endpoint, e.Cause, Math.Ceiling(e.BreakDuration.TotalSeconds));
            breakers.Closed += (_, e) => LogClosed(logger, e.Endpoint);
            return breakers;
        });
        return services;
    }

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Storage at {Endpoint} is unavailable ({Cause}): its circuit breaker is open, and calls to it answer at once, unsent, for {BreakSeconds} s at a time until a trial call or a health probe gets an answer")]
    private static partial void LogOpened(ILogger logger, string endpoint, string? cause, double breakSeconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Storage at {Endpoint} answers again: its circuit breaker is closed")]
    private static partial void LogClosed(ILogger logger, string endpoint);
}
