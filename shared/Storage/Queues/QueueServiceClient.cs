using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage.Queues;

/// <summary>
/// The Queue service of one storage account: hands out <see cref="QueueClient"/>s that share its pipeline,
/// and reads the service properties (the health check's cheap authenticated round trip).
/// Shaped like Azure.Storage.Queues' <c>QueueServiceClient</c>.
/// </summary>
public class QueueServiceClient
{
    private readonly HttpPipeline _pipeline;
    private readonly QueueClientOptions _options;

    /// <summary>Connects with a storage connection string (its key, or else its SAS).</summary>
    public QueueServiceClient(string connectionString, QueueClientOptions? options = null)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        _options = options ?? new QueueClientOptions();
        Uri = parsed.QueueEndpoint;
        _pipeline = StoragePipeline.Build(_options, StorageAuthentication.FromConnectionString(parsed), tableService: false);
    }

    /// <summary>Connects to the service endpoint with the account key.</summary>
    public QueueServiceClient(Uri serviceUri, StorageSharedKeyCredential credential, QueueClientOptions? options = null)
        : this(serviceUri, StorageAuthentication.FromSharedKey(credential), options)
    {
    }

    /// <summary>Connects to the service endpoint with Entra ID tokens (managed identity).</summary>
    public QueueServiceClient(Uri serviceUri, TokenCredential credential, QueueClientOptions? options = null)
        : this(serviceUri, StorageAuthentication.FromToken(credential), options)
    {
    }

    /// <summary>For mocking.</summary>
    protected QueueServiceClient()
    {
        _pipeline = null!;
        _options = null!;
        Uri = null!;
    }

    private QueueServiceClient(Uri serviceUri, StorageAuthentication auth, QueueClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        _options = options ?? new QueueClientOptions();
        Uri = serviceUri;
        _pipeline = StoragePipeline.Build(_options, auth, tableService: false);
    }

    /// <summary>The service endpoint.</summary>
    public Uri Uri { get; }

    /// <summary>A client for one queue, sharing this client's pipeline and options.</summary>
    public virtual QueueClient GetQueueClient(string queueName) =>
        new(StorageRest.Child(Uri, queueName), _pipeline, _options);

    /// <summary>
    /// List Queues, lazily, a page (at most <paramref name="pageSizeHint"/> queues, service default 5000) per request,
    /// following the service's continuation marker; only the queues whose names start with <paramref name="prefix"/> when
    /// one is given. Shaped like the official <c>GetQueuesAsync</c>, without traits (names only).
    /// </summary>
    public virtual AsyncPageable<QueueItem> GetQueuesAsync(string? prefix = null, int? pageSizeHint = null, CancellationToken cancellationToken = default) =>
        new LandRedevelopment.Storage.Blobs.MarkerPageable<QueueItem>((marker, size, ct) => ListQueuesPageAsync(prefix, marker, size ?? pageSizeHint, ct), cancellationToken);

    private async Task<Page<QueueItem>> ListQueuesPageAsync(string? prefix, string? marker, int? pageSize, CancellationToken cancellationToken)
    {
        using var message = NewServiceMessage();
        message.Request.Uri.AppendQuery("comp", "list");
        StorageRest.AppendListQuery(message.Request.Uri, prefix, marker, pageSize);

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var root = StorageRest.ReadXml(response);
        var items = root.Element("Queues")?.Elements("Queue").Select(q => new QueueItem(q.Element("Name")?.Value ?? string.Empty)).ToList() ?? [];
        var next = root.Element("NextMarker")?.Value;
        return Page<QueueItem>.FromValues(items, string.IsNullOrEmpty(next) ? null : next, response);
    }

    /// <summary>A GET on the service root (the account's path, with a trailing slash).</summary>
    private HttpMessage NewServiceMessage()
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(Uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"));
        return message;
    }

    /// <summary>Get Queue Service Properties; a cheap call that proves the endpoint and the credential work.</summary>
    public virtual async Task<Response> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = NewServiceMessage();
        message.Request.Uri.AppendQuery("restype", "service");
        message.Request.Uri.AppendQuery("comp", "properties");
        return await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
    }
}
