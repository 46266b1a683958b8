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
}

/// <summary>
/// The app's one set of storage circuit breakers: every <see cref="StorageAccount"/> of the app is built on it, so the API,
/// the storage bootstrap and the local trigger runner's listeners see the same breaker for an endpoint. An outage is
/// logged once when a breaker opens and once when it closes, not per refused call.
/// </summary>
public static partial class StorageOutages
{
    public static IServiceCollection AddStorageCircuitBreakers(this IServiceCollection services)
    {
        services.AddOptions<StorageOutageOptions>().BindConfiguration(StorageOutageOptions.Section)
            .Validate(o => o.BreakDuration > TimeSpan.Zero, $"{StorageOutageOptions.Section}:{nameof(StorageOutageOptions.BreakDuration)} must be longer than zero.")
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
