using System.Globalization;
using Azure;
using Azure.Core;

namespace LandRedevelopment.Storage.Blobs;

/// <summary>
/// One blob container: create and delete it, list its blobs, and hand out blob clients that share its pipeline.
/// Shaped like Azure.Storage.Blobs' <c>BlobContainerClient</c>.
/// </summary>
public class BlobContainerClient
{
    private readonly BlobClientContext _context;

    /// <summary>Connects to a container of the account a connection string names.</summary>
    public BlobContainerClient(string connectionString, string blobContainerName, BlobClientOptions? options = null)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        _context = BlobClientContext.Create(StorageAuthentication.FromConnectionString(parsed), options);
        Uri = StorageRest.Child(parsed.BlobEndpoint, blobContainerName);
        Name = blobContainerName;
    }

    /// <summary>Connects to the container at <paramref name="blobContainerUri"/> with the account key.</summary>
    public BlobContainerClient(Uri blobContainerUri, StorageSharedKeyCredential credential, BlobClientOptions? options = null)
        : this(blobContainerUri, BlobClientContext.Create(StorageAuthentication.FromSharedKey(credential), options))
    {
    }

    /// <summary>Connects to the container at <paramref name="blobContainerUri"/> with Entra ID tokens (managed identity).</summary>
    public BlobContainerClient(Uri blobContainerUri, TokenCredential credential, BlobClientOptions? options = null)
        : this(blobContainerUri, BlobClientContext.Create(StorageAuthentication.FromToken(credential), options))
    {
    }

    /// <summary>For mocking.</summary>
    protected BlobContainerClient()
    {
        _context = null!;
        Uri = null!;
        Name = null!;
    }

    internal BlobContainerClient(Uri blobContainerUri, BlobClientContext context)
    {
        ArgumentNullException.ThrowIfNull(blobContainerUri);
        Uri = StorageRest.WithoutQuery(blobContainerUri);
        Name = StorageRest.ResourceSegments(Uri, 1).FirstOrDefault()
               ?? throw new ArgumentException($"'{blobContainerUri}' names no container.", nameof(blobContainerUri));
        _context = context;
    }

    /// <summary>The container name.</summary>
    public string Name { get; }

    /// <summary>The container URI.</summary>
    public Uri Uri { get; }

    /// <summary>The storage account name.</summary>
    public string AccountName => StorageRest.AccountName(Uri);

    /// <summary>A client for one blob in this container, sharing this client's pipeline.</summary>
    public virtual BlobClient GetBlobClient(string blobName) => new(StorageRest.Child(Uri, blobName), _context);

    /// <summary>Create Container; null when the container already existed.</summary>
    public virtual async Task<Response<BlobContainerInfo>?> CreateIfNotExistsAsync(IDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Put, Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        StorageRest.AddMetadata(message.Request, metadata);
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 201, 409).ConfigureAwait(false);
        if (response.Status == 409)
        {
            StorageRest.ThrowUnlessErrorCode(response, "ContainerAlreadyExists");
            return null;
        }

        return Response.FromValue(new BlobContainerInfo(response.Headers.ETag ?? default, StorageRest.HeaderDate(response, "Last-Modified") ?? default), response);
    }

    /// <summary>Delete Container; false when there was no such container.</summary>
    public virtual async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Delete, Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 202, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 202, response);
    }

    /// <summary>
    /// List Blobs, lazily, a page (at most <paramref name="pageSizeHint"/> blobs, service default 5000) per request,
    /// following the service's continuation marker. <c>AsPages(marker, size)</c> resumes from a marker.
    /// </summary>
    public virtual AsyncPageable<BlobItem> GetBlobsAsync(string? prefix = null, int? pageSizeHint = null, CancellationToken cancellationToken = default) =>
        new MarkerPageable<BlobItem>((marker, size, ct) => ListBlobsPageAsync(prefix, marker, size ?? pageSizeHint, ct), cancellationToken);

    private async Task<Page<BlobItem>> ListBlobsPageAsync(string? prefix, string? marker, int? pageSize, CancellationToken cancellationToken)
    {
        using var message = _context.NewMessage(RequestMethod.Get, Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Uri.AppendQuery("comp", "list");
        StorageRest.AppendListQuery(message.Request.Uri, prefix, marker, pageSize);

        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var root = StorageRest.ReadXml(response);
        var items = root.Element("Blobs")?.Elements("Blob").Select(blob =>
        {
            var p = blob.Element("Properties");
            string? Prop(string name) => p?.Element(name)?.Value;
            var etag = Prop("Etag");
            return new BlobItem(
                blob.Element("Name")?.Value ?? string.Empty,
                new BlobItemProperties(
                    long.TryParse(Prop("Content-Length"), CultureInfo.InvariantCulture, out var length) ? length : null,
                    string.IsNullOrEmpty(Prop("Content-Type")) ? null : Prop("Content-Type"),
                    // Unquoted, as Azure.Core keeps the ETag header's value, so the two compare equal.
                    string.IsNullOrEmpty(etag) ? null : new ETag(etag.Trim('"')),
                    StorageRest.ParseDate(Prop("Last-Modified"))));
        }).ToList() ?? [];
        var next = root.Element("NextMarker")?.Value;
        return Page<BlobItem>.FromValues(items, string.IsNullOrEmpty(next) ? null : next, response);
    }
}

/// <summary>Pages fetched one request at a time, each continuing from the previous page's marker.</summary>
internal sealed class MarkerPageable<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, CancellationToken cancellationToken)
    : AsyncPageable<T>(cancellationToken)
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        do
        {
            var page = await fetchPage(continuationToken, pageSizeHint, CancellationToken).ConfigureAwait(false);
            yield return page;
            continuationToken = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuationToken));
    }
}
