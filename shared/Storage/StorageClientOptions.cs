using Azure.Core;

namespace LandRedevelopment.Storage;

/// <summary>
/// Options shared by the storage clients: the REST service version sent as <c>x-ms-version</c>,
/// Azure.Core's retry, diagnostics and transport settings, the clock used to stamp requests, and the circuit breakers
/// consulted before the retries.
/// </summary>
public class StorageClientOptions : ClientOptions
{
    /// <summary>Creates options with the storage retry defaults (exponential, five tries).</summary>
    protected StorageClientOptions(string serviceVersion)
    {
        ServiceVersion = serviceVersion;
        Retry.Mode = Azure.Core.RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(0.4);
        Retry.MaxDelay = TimeSpan.FromSeconds(10);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        Diagnostics.IsLoggingContentEnabled = false;
    }

    /// <summary>The <c>x-ms-version</c> sent with every request.</summary>
    public string ServiceVersion { get; set; }

    /// <summary>The clock that stamps <c>x-ms-date</c> and SAS start times; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The circuit breakers the clients built with these options consult before each call (one per service endpoint; see
    /// <see cref="StorageCircuitBreakers"/>). A set of their own by default; give the options of every client of an account
    /// the same set so that they share their breakers. Null sends every call whatever happened to the ones before.
    /// </summary>
    public StorageCircuitBreakers? CircuitBreakers { get; set; } = new();
}
