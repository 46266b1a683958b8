using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using LandRedevelopment.Functions.Hosting.Timers;

namespace LandRedevelopment.Functions.Hosting.Local;

/// <summary>Settings of the local trigger runner (section <c>LocalTriggers</c>).</summary>
public sealed class LocalTriggerRunnerOptions
{
    public const string Section = "LocalTriggers";

    /// <summary>On by default when the app is not under the Functions host (no <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>).</summary>
    public bool? Enabled { get; set; }

    /// <summary>The folder with <c>host.json</c> and the <c>*/function.json</c> files; the app's own folder by default.</summary>
    public string? AppRoot { get; set; }

    /// <summary>Where to send invocations; the app's own listening address by default.</summary>
    public Uri? HandlerAddress { get; set; }

    /// <summary>Identifies this app in the timer status blobs (the host's <c>AzureFunctionsWebHost__hostid</c>).</summary>
    public string HostId { get; set; } = "local";

    /// <summary>Only these functions (by name) are driven; all queue and timer functions when empty.</summary>
    public IList<string> Functions { get; } = [];
}

/// <summary>
/// Stands in for the Functions host's trigger listeners when the app runs on its own: reads the same
/// <c>function.json</c> files and <c>host.json</c>, and drives every queue and timer function through
/// the same <c>POST /{FunctionName}</c> envelope the host would send.
/// </summary>
public sealed partial class LocalTriggerRunner(
    IOptions<LocalTriggerRunnerOptions> options,
    IConfiguration configuration,
    FunctionInvoker invoker,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggers,
    StorageBootstrap? storage = null,
    LandRedevelopment.Storage.StorageCircuitBreakers? breakers = null) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<LocalTriggerRunner>();

    public static bool IsEnabled(IConfiguration configuration, LocalTriggerRunnerOptions options) =>
        options.Enabled ?? string.IsNullOrEmpty(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!IsEnabled(configuration, settings))
        {
            return;
        }

        // Invocations go to our own endpoints, so wait until the server listens (and, in the app, until the storage
        // bootstrap's first attempt has ended: the queues are there, and requests are answered). The setup below runs
        // off the thread that raises ApplicationStarted.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
                if (storage is not null)
                {
                    await storage.FirstAttempt.WaitAsync(stoppingToken).ConfigureAwait(false);
                    // Off the thread that ended the first attempt: requests held until it ended continue on that
                    // thread, and should not wait behind this set-up (reading function.json, starting the listeners).
                    await Task.Yield();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var appRoot = settings.AppRoot ?? AppContext.BaseDirectory;
        var handler = settings.HandlerAddress ?? OwnAddress();
        var queueSettings = QueueTriggerSettings.Load(appRoot);
        var accounts = new Dictionary<string, StorageAccount>(StringComparer.OrdinalIgnoreCase);
        StorageAccount Account(string? name) =>
            accounts.TryGetValue(name ?? StorageAccount.DefaultConnectionName, out var a) ? a
                : accounts[name ?? StorageAccount.DefaultConnectionName] = new StorageAccount(configuration, name ?? StorageAccount.DefaultConnectionName, time, breakers);

        var listeners = new List<Task>();
        foreach (var function in FunctionCatalog.Load(appRoot))
        {
            if (function.Disabled || function.IsHttp || (settings.Functions.Count > 0 && !settings.Functions.Contains(function.Name)))
            {
                continue;
            }

            var trigger = function.Trigger;
            if (function.IsQueue)
            {
                var account = Account(trigger.Connection);
                var queues = queueSettings.Base64 ? account.Base64Queues : account.Queues;
                var queueName = FunctionCatalog.ResolveSettings(trigger.QueueName ?? throw new InvalidOperationException($"{function.Name}: queueName is missing."), configuration);
                var listener = new QueueTriggerListener(function, queues.GetQueueClient(queueName), queues.GetQueueClient(queueName + "-poison"),
                    queueSettings, invoker, handler, time, loggers.CreateLogger("LocalTriggers." + function.Name));
                listeners.Add(Guard(function.Name, listener.RunAsync, stoppingToken));
            }
            else if (function.IsTimer)
            {
                var expression = FunctionCatalog.ResolveSettings(trigger.Schedule ?? throw new InvalidOperationException($"{function.Name}: schedule is missing."), configuration);
                var schedule = TimerSchedule.Parse(expression, TimeZone());
                var hosts = Account(null).Blobs.GetBlobContainerClient("azure-webjobs-hosts");
                var statusBlob = trigger.UseMonitor == false ? null : hosts.GetBlobClient($"timers/{settings.HostId}/{function.Name}/status");
                var listener = new TimerTriggerListener(function, schedule, statusBlob, invoker, handler, time, loggers.CreateLogger("LocalTriggers." + function.Name));
                // The status container is made inside the guard: storage that is down or refuses the app at start is
                // retried like any listener failure, instead of stopping the app (the storage bootstrap retries too).
                listeners.Add(Guard(function.Name, async ct =>
                {
                    if (statusBlob is not null)
                    {
                        await hosts.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                    }

                    await listener.RunAsync(ct).ConfigureAwait(false);
                }, stoppingToken));
            }
            else
            {
                LogUnsupportedTrigger(_logger, function.Name, trigger.Type);
            }
        }

        LogStarted(_logger, listeners.Count, handler);
        await Task.WhenAll(listeners).ConfigureAwait(false);
    }

    /// <summary>Timer schedules are evaluated in <c>WEBSITE_TIME_ZONE</c> (as in Azure), UTC by default.</summary>
    private TimeZoneInfo TimeZone() =>
        configuration["WEBSITE_TIME_ZONE"] is { Length: > 0 } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Utc;

    private Uri OwnAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                      ?? throw new InvalidOperationException("The local trigger runner needs an http:// listening address.");
        var uri = new UriBuilder(address);
        if (uri.Host is "0.0.0.0" or "[::]" or "+" or "*")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }

    private static readonly TimeSpan ListenerRestartDelay = TimeSpan.FromSeconds(5);

    /// <summary>A listener that dies is logged and restarted after a pause, like a host listener would be.</summary>
    private async Task Guard(string functionName, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await run(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or InvalidOperationException)
            {
                var pause = ListenerRestartDelay;
                if (e is LandRedevelopment.Storage.StorageCircuitOpenException open)
                {
                    // Storage is known to be down (its breaker said so once, in the log): a line, no stack trace, and no
                    // restart before the breaker lets a call through again.
                    pause = open.RetryAfter > pause ? open.RetryAfter : pause;
                    LogListenerWaitingForStorage(_logger, functionName, open.Endpoint, Math.Ceiling(pause.TotalSeconds));
                }
                else
                {
                    LogListenerFailed(_logger, functionName, e);
                }

                try
                {
                    await Task.Delay(pause, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Local trigger runner started {Count} listeners invoking {Handler}")]
    private static partial void LogStarted(ILogger logger, int count, Uri handler);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Function {FunctionName}: trigger type '{Type}' is not run locally")]
    private static partial void LogUnsupportedTrigger(ILogger logger, string functionName, string type);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Error, Message = "Listener for {FunctionName} failed; restarting in 5 s")]
    private static partial void LogListenerFailed(ILogger logger, string functionName, Exception exception);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Listener for {FunctionName} waits for storage at {Endpoint} (circuit open); restarting in {Seconds} s")]
    private static partial void LogListenerWaitingForStorage(ILogger logger, string functionName, string endpoint, double seconds);
}

/// <summary>Registers the runner the same way for the app and for tests.</summary>
public static class LocalTriggerRunnerRegistration
{
    public static IServiceCollection AddLocalTriggerRunner(this IServiceCollection services)
    {
        services.AddOptions<LocalTriggerRunnerOptions>().BindConfiguration(LocalTriggerRunnerOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        // Built by a factory: the typed client's default activation compiles a constructor call by reflection, on the main
        // thread of every start, when the runner is created (cold start, see BENCHMARKS.md, change 32).
        services.AddHttpClient(nameof(FunctionInvoker), c => c.Timeout = TimeSpan.FromMinutes(10))
            .AddTypedClient((http, sp) => new FunctionInvoker(http, sp.GetRequiredService<ILogger<FunctionInvoker>>()));
        services.AddHostedService<LocalTriggerRunner>();
        return services;
    }
}
