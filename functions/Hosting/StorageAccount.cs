using Azure.Core;
using Azure.Identity;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>
/// The storage clients for one connection setting, read the way the Functions host reads it:
/// either a connection string in <c>{name}</c> (keys; Azurite locally), or an identity-based connection
/// (<c>{name}__accountName</c> or <c>{name}__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>,
/// optional <c>{name}__clientId</c> for a user-assigned managed identity). Clients are built once, all on one set of
/// circuit breakers (one per service endpoint), which accounts of the same storage built elsewhere in the app share.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>The setting the Functions host itself uses for its storage.</summary>
    public const string DefaultConnectionName = "AzureWebJobsStorage";

    private readonly Lazy<QueueServiceClient> _base64Queues;

    public StorageAccount(IConfiguration configuration, string connectionName = DefaultConnectionName, TimeProvider? time = null,
        StorageCircuitBreakers? breakers = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ConnectionName = connectionName;
        var clock = time ?? TimeProvider.System;
        var shared = CircuitBreakers = breakers ?? new StorageCircuitBreakers(time: clock);
        TableClientOptions TableOptions() => new() { TimeProvider = clock, CircuitBreakers = shared };
        BlobClientOptions BlobOptions() => new() { TimeProvider = clock, CircuitBreakers = shared };
        QueueClientOptions QueueOptions(QueueMessageEncoding encoding) => new() { TimeProvider = clock, CircuitBreakers = shared, MessageEncoding = encoding };
        var connectionString = configuration[connectionName];
        var section = configuration.GetSection(connectionName);

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var parsed = StorageConnectionString.Parse(connectionString);
            AccountName = parsed.AccountName;
            Tables = new TableServiceClient(connectionString, TableOptions());
            Queues = new QueueServiceClient(connectionString, QueueOptions(QueueMessageEncoding.None));
            Blobs = new BlobServiceClient(connectionString, BlobOptions());
            _base64Queues = new(() => new QueueServiceClient(connectionString, QueueOptions(QueueMessageEncoding.Base64)));
            return;
        }

        var accountName = section["accountName"];
        Uri Endpoint(string service) =>
            section[$"{service}ServiceUri"] is { Length: > 0 } uri ? new Uri(uri)
            : accountName is { Length: > 0 } ? new Uri($"https://{accountName}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Storage connection '{connectionName}' is not configured: set '{connectionName}' to a connection string, " +
                $"or '{connectionName}__accountName' (or '{connectionName}__{service}ServiceUri') for a managed identity.");

        var blobUri = Endpoint("blob");
        var queueUri = Endpoint("queue");
        var tableUri = Endpoint("table");
        AccountName = accountName ?? StorageConnectionString.AccountNameFromEndpoint(blobUri);
        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = section["clientId"],
        });
        Tables = new TableServiceClient(tableUri, credential, TableOptions());
        Queues = new QueueServiceClient(queueUri, credential, QueueOptions(QueueMessageEncoding.None));
        Blobs = new BlobServiceClient(blobUri, credential, BlobOptions());
        _base64Queues = new(() => new QueueServiceClient(queueUri, credential, QueueOptions(QueueMessageEncoding.Base64)));
    }

    public string ConnectionName { get; }

    public string AccountName { get; }

    /// <summary>The breakers every client of this account consults before a call.</summary>
    public StorageCircuitBreakers CircuitBreakers { get; }

    public TableServiceClient Tables { get; }

    /// <summary>Queues whose messages are plain text.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Queues whose messages are base64, as the Functions queue trigger expects by default.</summary>
    public QueueServiceClient Base64Queues => _base64Queues.Value;

    public BlobServiceClient Blobs { get; }
}
