using System.Diagnostics;
using Azure;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Storage;

namespace LandRedevelopment.Functions.Health;

/// <summary>One look at the blob, queue and table services, and when it was taken.</summary>
public sealed record StorageProbe(IReadOnlyList<HealthCheck> Checks, DateTimeOffset CheckedAt)
{
    public bool Healthy => Checks.All(c => c.Status == "Healthy");
}

/// <summary>
/// The storage probe behind <c>GET /api/health</c>. A healthy answer is reused for <see cref="FreshFor"/> (a load balancer
/// or the Functions host asking every second costs storage nothing extra); an unhealthy one never is, so recovery shows
/// at once. Probes pass the storage circuit breakers, open or not, and an answer closes them, so the API serves again as
/// soon as a probe sees storage back. Callers that arrive while a probe is under way share it.
/// </summary>
public sealed class StorageHealth(StorageAccount storage, TimeProvider time)
{
    /// <summary>How long a healthy probe is reused.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<StorageProbe>? _last;

    /// <summary>The last healthy probe if it is recent enough and <paramref name="fresh"/> is not asked for; otherwise a new one.</summary>
    public Task<StorageProbe> GetAsync(bool fresh, CancellationToken cancellationToken)
    {
        Task<StorageProbe>? last;
        lock (_gate)
        {
            last = _last;
        }

        if (!fresh && last is { IsCompletedSuccessfully: true } && last.Result.Healthy && time.GetUtcNow() - last.Result.CheckedAt < FreshFor)
        {
            return last;
        }

        return ProbeAsync(cancellationToken);
    }

    /// <summary>Probes now, or joins the probe already under way; the result is what later callers are answered from.</summary>
    public Task<StorageProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        Task<StorageProbe> probe;
        lock (_gate)
        {
            // Not tied to this caller's token: others may be waiting on the same probe.
            if (_last is not { IsCompleted: false })
            {
                _last = Task.Run(RunAsync, CancellationToken.None);
            }

            probe = _last;
        }

        return probe.WaitAsync(cancellationToken);
    }

    private async Task<StorageProbe> RunAsync()
    {
        var checkedAt = time.GetUtcNow();
        // Probes go to storage even while a breaker is open, and an answer closes it: recovery shows here first.
        using var probing = StorageCircuitBreakers.BeginProbe();
        var checks = await Task.WhenAll(
            Check("blobs", ct => storage.Blobs.GetPropertiesAsync(ct)),
            Check("queues", ct => storage.Queues.GetPropertiesAsync(ct)),
            Check("tables", ct => storage.Tables.GetPropertiesAsync(ct))).ConfigureAwait(false);
        return new StorageProbe(checks, checkedAt);
    }

    private static async Task<HealthCheck> Check(string name, Func<CancellationToken, Task<Response>> probe)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await probe(timeout.Token).ConfigureAwait(false);
            return new HealthCheck(name, "Healthy", watch.ElapsedMilliseconds, null);
        }
        catch (RequestFailedException e)
        {
            return new HealthCheck(name, "Unhealthy", watch.ElapsedMilliseconds, $"{e.Status} {e.ErrorCode ?? e.Message}");
        }
        catch (OperationCanceledException)
        {
            return new HealthCheck(name, "Unhealthy", watch.ElapsedMilliseconds, $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new HealthCheck(name, "Unhealthy", watch.ElapsedMilliseconds, e.Message);
        }
    }
}
