using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage;

/// <summary>How a client proves who it is: an account key, a SAS, or an Entra ID token (managed identity).</summary>
public sealed class StorageAuthentication
{
    private StorageAuthentication(StorageSharedKeyCredential? key, TokenCredential? token, string? sas)
    {
        SharedKey = key;
        Token = token;
        Sas = sas;
    }

    /// <summary>The account key, when signing with SharedKey/SharedKeyLite.</summary>
    public StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>The token credential, when authenticating with Entra ID.</summary>
    public TokenCredential? Token { get; }

    /// <summary>The SAS query (no leading '?'), when every request carries a SAS.</summary>
    public string? Sas { get; }

    /// <summary>Sign with the account key.</summary>
    public static StorageAuthentication FromSharedKey(StorageSharedKeyCredential credential) =>
        new(credential ?? throw new ArgumentNullException(nameof(credential)), null, null);

    /// <summary>Authenticate with Entra ID tokens for <c>https://storage.azure.com/.default</c>.</summary>
    public static StorageAuthentication FromToken(TokenCredential credential) =>
        new(null, credential ?? throw new ArgumentNullException(nameof(credential)), null);

    /// <summary>Append a shared access signature to every request.</summary>
    public static StorageAuthentication FromSas(string sas)
    {
        ArgumentException.ThrowIfNullOrEmpty(sas);
        return new(null, null, sas.TrimStart('?'));
    }

    /// <summary>What a connection string carries: its key, or else its SAS.</summary>
    public static StorageAuthentication FromConnectionString(StorageConnectionString connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return connectionString.Credential is { } key ? FromSharedKey(key) : FromSas(connectionString.SasToken!);
    }

    internal HttpPipelinePolicy CreatePolicy(bool tableService, TimeProvider time) =>
        SharedKey is not null
            ? tableService ? new SharedKeyLiteAuthenticationPolicy(SharedKey, time) : new SharedKeyAuthenticationPolicy(SharedKey, time)
            : Token is not null
                ? new BearerTokenAuthenticationPolicy(Token, "https://storage.azure.com/.default")
                : new SasQueryPolicy(Sas!);
}

/// <summary>
/// Builds the one pipeline a storage client keeps for its lifetime: the circuit breaker first among the per-call policies,
/// so that an open breaker refuses a call before the retry policy (and its delays) is reached.
/// </summary>
internal static class StoragePipeline
{
    public static HttpPipeline Build(StorageClientOptions options, StorageAuthentication auth, bool tableService)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(auth);
        return HttpPipelineBuilder.Build(
            options,
            perCallPolicies: options.CircuitBreakers is { } breakers
                ? [new StorageCircuitBreakerPolicy(breakers), new StorageVersionPolicy(options.ServiceVersion)]
                : [new StorageVersionPolicy(options.ServiceVersion)],
            perRetryPolicies: [auth.CreatePolicy(tableService, options.TimeProvider), new SocketFailurePolicy()],
            responseClassifier: new ResponseClassifier());
    }

    /// <summary>
    /// Sends a request and throws <see cref="RequestFailedException"/> for any status in <paramref name="accept"/>'s
    /// complement, and also when no try got an answer at all (storage unreachable): Azure.Core's retry policy then throws
    /// an <see cref="AggregateException"/> of the tries' errors, which this turns into one
    /// <see cref="RequestFailedException"/> with status 0 (the tries' errors inside), the one failure every caller handles.
    /// </summary>
    public static async ValueTask<Response> SendAsync(this HttpPipeline pipeline, HttpMessage message, CancellationToken cancellationToken, params int[] accept)
    {
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (AggregateException e) when (!cancellationToken.IsCancellationRequested)
        {
            var last = e.InnerExceptions.Count > 0 ? e.InnerExceptions[^1] as RequestFailedException : null;
            throw new RequestFailedException(last?.Status ?? 0, e.Message, last?.ErrorCode, e);
        }

        var response = message.Response;
        if (accept.Length == 0 ? response.IsError : !accept.Contains(response.Status))
        {
            throw new RequestFailedException(response, null, StorageRequestFailedDetailsParser.Instance);
        }

        return response;
    }
}

/// <summary>
/// A connection storage reset as soon as it accepted it can surface from <see cref="System.Net.Http.HttpClient"/> as a bare
/// <see cref="System.Net.Sockets.SocketException"/> (e.g. "Transport endpoint is not connected" while it reads the remote
/// address), which Azure.Core neither wraps nor retries. This makes it what every other failure to reach storage is — a
/// <see cref="RequestFailedException"/> with status 0 — so the try is retried, the circuit breaker counts it, and the API
/// answers 503 rather than 500.
/// </summary>
internal sealed class SocketFailurePolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw Unreachable(message, e);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw Unreachable(message, e);
        }
    }

    private static RequestFailedException Unreachable(HttpMessage message, System.Net.Sockets.SocketException e) =>
        new(0, $"Storage at {message.Request.Uri.Host}:{message.Request.Uri.Port} could not be reached: {e.Message} ({e.SocketErrorCode})", e);
}

internal sealed class StorageVersionPolicy(string version) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", version);
}

internal sealed class SasQueryPolicy(string sas) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri;
        if (!uri.Query.Contains("sig=", StringComparison.Ordinal))
        {
            foreach (var pair in sas.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                uri.AppendQuery(pair[..eq], pair[(eq + 1)..], escapeValue: false);
            }
        }
    }
}
