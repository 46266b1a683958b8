using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// The account's Table service: lists tables, reads service properties (the health check), and hands out
/// <see cref="TableClient"/>s that share its one pipeline. Shaped like <c>Azure.Data.Tables.TableServiceClient</c>.
/// </summary>
public class TableServiceClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    /// <summary>For mocking.</summary>
    protected TableServiceClient()
    {
        _pipeline = null!;
        _endpoint = null!;
    }

    /// <summary>Creates a client for the account a connection string names (its key, or else its SAS).</summary>
    public TableServiceClient(string connectionString, TableClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a client signing with the account key (SharedKeyLite).</summary>
    public TableServiceClient(Uri endpoint, StorageSharedKeyCredential credential, TableClientOptions? options = null)
        : this(endpoint, StorageAuthentication.FromSharedKey(credential), options)
    {
    }

    /// <summary>Creates a client authenticating with Entra ID tokens (e.g. a managed identity).</summary>
    public TableServiceClient(Uri endpoint, TokenCredential credential, TableClientOptions? options = null)
        : this(endpoint, StorageAuthentication.FromToken(credential), options)
    {
    }

    private TableServiceClient(StorageConnectionString connectionString, TableClientOptions? options)
        : this(connectionString.TableEndpoint, StorageAuthentication.FromConnectionString(connectionString), options)
    {
    }

    private TableServiceClient(Uri endpoint, StorageAuthentication authentication, TableClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _pipeline = StoragePipeline.Build(options ?? new TableClientOptions(), authentication, tableService: true);
    }

    /// <summary>The table service endpoint.</summary>
    public virtual Uri Uri => _endpoint;

    /// <summary>A client for one table, sharing this client's pipeline (credential, retries, transport).</summary>
    public virtual TableClient GetTableClient(string tableName) => new(_endpoint, tableName, _pipeline);

    /// <summary>Reads the service properties (XML, returned raw); a cheap authenticated round trip for health checks.</summary>
    /// <exception cref="RequestFailedException">Any status but 200.</exception>
    public virtual async Task<Response> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = TableClient.CreateMessage(_pipeline, _endpoint, RequestMethod.Get, "/");
        message.Request.Headers.SetValue("Accept", "application/xml");
        message.Request.Uri.AppendQuery("restype", "service");
        message.Request.Uri.AppendQuery("comp", "properties");
        return await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
    }

    /// <summary>Lists tables, one request per page, following <c>x-ms-continuation-NextTableName</c>.</summary>
    /// <param name="filter">An OData filter on <c>TableName</c> (see <see cref="TableClient.CreateQueryFilter"/>); all tables when null.</param>
    /// <param name="maxPerPage">The page size (<c>$top</c>).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public virtual AsyncPageable<TableItem> QueryAsync(string? filter = null, int? maxPerPage = null, CancellationToken cancellationToken = default) =>
        new TablePageable<TableItem>((continuation, top, ct) => QueryPageAsync(filter, top, continuation, ct), maxPerPage, cancellationToken);

    private async Task<Page<TableItem>> QueryPageAsync(string? filter, int? top, string? continuation, CancellationToken cancellationToken)
    {
        using var message = TableClient.CreateMessage(_pipeline, _endpoint, RequestMethod.Get, "/Tables");
        var uri = message.Request.Uri;
        if (filter is not null)
        {
            uri.AppendQuery("$filter", filter);
        }

        if (top is not null)
        {
            uri.AppendQuery("$top", top.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (continuation is not null)
        {
            uri.AppendQuery("NextTableName", continuation);
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        using var json = JsonDocument.Parse(response.Content.ToMemory());
        var tables = json.RootElement.GetProperty("value").EnumerateArray()
            .Select(t => new TableItem(t.GetProperty("TableName").GetString()!))
            .ToList();
        response.Headers.TryGetValue("x-ms-continuation-NextTableName", out var next);
        return Page<TableItem>.FromValues(tables, string.IsNullOrEmpty(next) ? null : next, response);
    }
}
