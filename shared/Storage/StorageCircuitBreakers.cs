using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage;

/// <summary>
/// The circuit breakers of the storage clients: one per service endpoint (scheme, host and port), shared by every client
/// whose options carry this set. Once a call to an endpoint has failed for lack of storage — after the retry policy gave
/// up: no try got an answer (status 0), or the last answer was 500, 502, 503 or 504 — its breaker opens for
/// <see cref="BreakDuration"/>, and calls to that endpoint fail at once with a <see cref="StorageCircuitOpenException"/>
/// (status 0, like storage that cannot be reached), without touching the network and without the retry delays. When the
/// period is over the next call goes through as a trial: an answer closes the breaker, a failure opens it again. 4xx
/// answers (404, 409, 412 …) are storage answering, and count as success.
/// </summary>
/// <remarks>
/// <para>
/// One breaker per service endpoint rather than one per account: Azure serves an account's blobs, queues and tables from
/// separate front ends (<c>{account}.blob…</c>, <c>{account}.queue…</c>, <c>{account}.table…</c>; separate ports in
/// Azurite), which fail and recover on their own, so a table outage does not refuse blob reads or queue polls. Keyed by
/// endpoint, the set also serves every client of an account from one place — service clients, the table, queue and blob
/// clients they hand out, and the base64 queue client beside the plain one — so no client keeps hitting an endpoint another
/// has found down.
/// </para>
/// <para>
/// One failed call opens it. That call already spent every try of the retry policy (by default six over about twelve
/// seconds) without an answer worth having, which is evidence enough; waiting for a ratio of failures over a window would
/// only keep the next callers hanging through the same retries. Polly's circuit breaker was weighed and not used: its
/// sampling breaker needs at least two calls in the window, and it cannot let the health probe through an open breaker,
/// which is what lets recovery show as soon as storage answers.
/// </para>
/// <para>
/// Calls made inside <see cref="BeginProbe"/> (the health check) are never refused: they go to storage whatever the state,
/// and their outcome counts like any call's, so a probe that gets an answer closes an open breaker at once. An outcome
/// only counts if the breaker has not changed state since its call was let through: an answer to a call sent before the
/// breaker opened says nothing about storage now. A call its caller cancels counts neither way.
/// </para>
/// </remarks>
public sealed class StorageCircuitBreakers
{
    /// <summary>How long a breaker stays open unless told otherwise.</summary>
    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(5);

    private const string ProbeProperty = "LandRedevelopment.Storage.Probe";

    private readonly ConcurrentDictionary<string, StorageCircuitBreaker> _breakers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates an empty set: every breaker starts closed.</summary>
    /// <param name="breakDuration">How long a breaker stays open; <see cref="DefaultBreakDuration"/> by default.</param>
    /// <param name="time">The clock measuring open periods (its monotonic timestamps); the system clock by default.</param>
    public StorageCircuitBreakers(TimeSpan? breakDuration = null, TimeProvider? time = null)
    {
        var duration = breakDuration ?? DefaultBreakDuration;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero, nameof(breakDuration));
        BreakDuration = duration;
        TimeProvider = time ?? TimeProvider.System;
    }

    /// <summary>How long a breaker stays open after a failure before it lets a trial call through.</summary>
    public TimeSpan BreakDuration { get; }

    /// <summary>The clock measuring open periods.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Raised when a closed breaker opens: once per outage, not again when a failed trial keeps it open, and never per
    /// refused call. Raised outside the breaker's lock, on the thread of the call that failed.
    /// </summary>
    public event EventHandler<StorageCircuitEventArgs>? Opened;

    /// <summary>Raised when an open breaker closes because a trial or a probe got an answer.</summary>
    public event EventHandler<StorageCircuitEventArgs>? Closed;

    /// <summary>
    /// Marks the storage calls made in this asynchronous flow until the scope is disposed as probes: they are sent even
    /// while their endpoint's breaker is open, and an answer closes it. For health checks, which must see recovery.
    /// </summary>
    public static IDisposable BeginProbe() =>
        HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?>(StringComparer.Ordinal) { [ProbeProperty] = true });

    /// <summary>Whether calls to the service at <paramref name="endpoint"/> are being refused now.</summary>
    public bool IsOpen(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _breakers.TryGetValue(Key(endpoint.Scheme, endpoint.Host, endpoint.Port), out var breaker) && breaker.IsOpen;
    }

    internal static bool IsProbe(HttpMessage message) => message.TryGetProperty(ProbeProperty, out var probe) && probe is true;

    internal StorageCircuitBreaker For(RequestUriBuilder uri) =>
        _breakers.GetOrAdd(Key(uri.Scheme, uri.Host, uri.Port), static (key, set) => new StorageCircuitBreaker(key, set), this);

    internal void RaiseOpened(string endpoint, string cause) => Opened?.Invoke(this, new StorageCircuitEventArgs(endpoint, BreakDuration, cause));

    internal void RaiseClosed(string endpoint) => Closed?.Invoke(this, new StorageCircuitEventArgs(endpoint, BreakDuration, null));

    private static string Key(string? scheme, string? host, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{port}");
}

/// <summary>A storage breaker opened or closed.</summary>
public sealed class StorageCircuitEventArgs(string endpoint, TimeSpan breakDuration, string? cause) : EventArgs
{
    /// <summary>The service endpoint, <c>scheme://host:port</c>.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>How long the breaker stays open before a trial.</summary>
    public TimeSpan BreakDuration { get; } = breakDuration;

    /// <summary>When it opened, the failure that opened it (a status or the transport's error); null when it closed.</summary>
    public string? Cause { get; } = cause;
}

/// <summary>
/// A storage call refused without being sent: its service endpoint's breaker is open (see <see cref="StorageCircuitBreakers"/>).
/// Status 0 like storage that cannot be reached, so every caller that copes with storage being down copes with this too.
/// </summary>
public sealed class StorageCircuitOpenException : RequestFailedException
{
    /// <summary>The <see cref="RequestFailedException.ErrorCode"/> of a refused call.</summary>
    public const string CircuitOpenCode = "StorageCircuitOpen";

    internal StorageCircuitOpenException(string endpoint, TimeSpan retryAfter)
        : base(0, string.Create(CultureInfo.InvariantCulture,
            $"Storage at {endpoint} is unavailable: its circuit breaker is open after a call failed for lack of storage, so this call was not sent. Try again in {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))} s."),
            CircuitOpenCode, null)
    {
        Endpoint = endpoint;
        RetryAfter = retryAfter;
    }

    /// <summary>The service endpoint, <c>scheme://host:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>How long until the breaker lets a trial call through (at least a moment while a trial is under way).</summary>
    public TimeSpan RetryAfter { get; }
}

/// <summary>The breaker of one service endpoint: closed, or open until a time, after which one trial call goes through.</summary>
internal sealed class StorageCircuitBreaker(string endpoint, StorageCircuitBreakers set)
{
    /// <summary>What a refused caller is told to wait while a trial is under way: about as long as the trial's first tries.</summary>
    private static readonly TimeSpan TrialUnderWay = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private bool _open;
    private long _openedAt;
    private bool _trialUnderWay;

    // Counts the changes of state; an outcome counts only for the state its call was let through in.
    private long _generation;

    public string Endpoint => endpoint;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>Lets a call through (a trial if the open period is over), or says how long until one would be.</summary>
    public bool TryAdmit(bool probe, out Admission admission, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            retryAfter = TimeSpan.Zero;
            admission = new Admission(_generation, Trial: false);
            if (!_open || probe)
            {
                return true;
            }

            var remaining = set.BreakDuration - set.TimeProvider.GetElapsedTime(_openedAt);
            if (remaining > TimeSpan.Zero)
            {
                retryAfter = remaining;
                return false;
            }

            if (_trialUnderWay)
            {
                retryAfter = TrialUnderWay;
                return false;
            }

            _trialUnderWay = true;
            admission = admission with { Trial = true };
            return true;
        }
    }

    /// <summary>Storage answered (anything but 500, 502, 503, 504): an open breaker closes.</summary>
    public void Succeeded(Admission admission)
    {
        lock (_gate)
        {
            if (!Counts(admission) || !_open)
            {
                return;
            }

            _open = false;
            _trialUnderWay = false;
            _generation++;
        }

        set.RaiseClosed(endpoint);
    }

    /// <summary>The call failed for lack of storage after its retries: the breaker opens, or stays open for another period.</summary>
    public void Failed(Admission admission, string cause)
    {
        bool opened;
        lock (_gate)
        {
            if (!Counts(admission))
            {
                return;
            }

            opened = !_open;
            _open = true;
            _openedAt = set.TimeProvider.GetTimestamp();
            _trialUnderWay = false;
            _generation++;
        }

        if (opened)
        {
            set.RaiseOpened(endpoint, cause);
        }
    }

    /// <summary>The call ended without saying anything about storage (cancelled by its caller, or refused by its credential).</summary>
    public void Inconclusive(Admission admission)
    {
        lock (_gate)
        {
            if (admission.Trial && Counts(admission))
            {
                // The next call is the trial instead.
                _trialUnderWay = false;
            }
        }
    }

    private bool Counts(Admission admission) => admission.Generation == _generation;

    /// <summary>The state a call was let through in, and whether it is the trial of an open breaker.</summary>
    internal readonly record struct Admission(long Generation, bool Trial);
}

/// <summary>
/// The breaker in the pipeline: a per-call policy, so it sits before the retry policy — a refused call skips the retries and
/// their delays, and what it records is each call's outcome after the retries, not each try's.
/// </summary>
internal sealed class StorageCircuitBreakerPolicy(StorageCircuitBreakers breakers) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var (breaker, admission) = Admit(message);
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception e)
        {
            Record(breaker, admission, message, e);
            throw;
        }

        Record(breaker, admission, message, null);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var (breaker, admission) = Admit(message);
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Record(breaker, admission, message, e);
            throw;
        }

        Record(breaker, admission, message, null);
    }

    private (StorageCircuitBreaker Breaker, StorageCircuitBreaker.Admission Admission) Admit(HttpMessage message)
    {
        var breaker = breakers.For(message.Request.Uri);
        return breaker.TryAdmit(StorageCircuitBreakers.IsProbe(message), out var admission, out var retryAfter)
            ? (breaker, admission)
            : throw new StorageCircuitOpenException(breaker.Endpoint, retryAfter);
    }

    private static void Record(StorageCircuitBreaker breaker, StorageCircuitBreaker.Admission admission, HttpMessage message, Exception? failure)
    {
        if (failure is null)
        {
            var status = message.Response.Status;
            if (IsOutageStatus(status))
            {
                breaker.Failed(admission, string.Create(CultureInfo.InvariantCulture, $"status {status}"));
            }
            else
            {
                breaker.Succeeded(admission);
            }
        }
        else if (!message.CancellationToken.IsCancellationRequested && IsOutage(failure))
        {
            breaker.Failed(admission, Innermost(failure).Message);
        }
        else
        {
            breaker.Inconclusive(admission);
        }
    }

    private static bool IsOutageStatus(int status) => status is 500 or 502 or 503 or 504;

    /// <summary>
    /// Storage could not be reached or did not answer in time: what the transport throws (status 0), a network timeout
    /// (cancelled, but not by the caller), or the retry policy's <see cref="AggregateException"/> of such tries.
    /// </summary>
    private static bool IsOutage(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } all => IsOutage(all.InnerExceptions[^1]),
        RequestFailedException failed => failed.Status == 0 || IsOutageStatus(failed.Status),
        HttpRequestException or IOException or OperationCanceledException or TimeoutException => true,
        _ => false,
    };

    private static Exception Innermost(Exception e) => e is AggregateException { InnerExceptions.Count: > 0 } all ? Innermost(all.InnerExceptions[^1]) : e;
}
