using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// Operations on one table and its entities, over the Table service's JSON protocol.
/// Shaped like <c>Azure.Data.Tables.TableClient</c> so that swapping to the official SDK is mechanical.
/// Thread-safe; keep one per table for the process lifetime.
/// </summary>
public class TableClient
{
    internal const string JsonMinimalMetadata = "application/json;odata=minimalmetadata";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    /// <summary>For mocking.</summary>
    protected TableClient()
    {
        _pipeline = null!;
        _endpoint = null!;
        Name = null!;
        Uri = null!;
    }

    /// <summary>Creates a client for <paramref name="tableName"/> in the account a connection string names.</summary>
    public TableClient(string connectionString, string tableName, TableClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), tableName, options)
    {
    }

    /// <summary>Creates a client signing with the account key (SharedKeyLite).</summary>
    /// <param name="endpoint">The table service endpoint, e.g. <c>https://account.table.core.windows.net</c>.</param>
    /// <param name="tableName">The table.</param>
    /// <param name="credential">The account name and key.</param>
    /// <param name="options">Retry, transport and service version settings.</param>
    public TableClient(Uri endpoint, string tableName, StorageSharedKeyCredential credential, TableClientOptions? options = null)
        : this(endpoint, tableName, StorageAuthentication.FromSharedKey(credential), options)
    {
    }

    /// <summary>Creates a client authenticating with Entra ID tokens (e.g. a managed identity).</summary>
    /// <param name="endpoint">The table service endpoint, e.g. <c>https://account.table.core.windows.net</c>.</param>
    /// <param name="tableName">The table.</param>
    /// <param name="credential">The token source, asked for <c>https://storage.azure.com/.default</c>.</param>
    /// <param name="options">Retry, transport and service version settings.</param>
    public TableClient(Uri endpoint, string tableName, TokenCredential credential, TableClientOptions? options = null)
        : this(endpoint, tableName, StorageAuthentication.FromToken(credential), options)
    {
    }

    private TableClient(StorageConnectionString connectionString, string tableName, TableClientOptions? options)
        : this(connectionString.TableEndpoint, tableName, StorageAuthentication.FromConnectionString(connectionString), options)
    {
    }

    private TableClient(Uri endpoint, string tableName, StorageAuthentication authentication, TableClientOptions? options)
        : this(endpoint, tableName, StoragePipeline.Build(options ?? new TableClientOptions(), authentication, tableService: true))
    {
    }

    /// <summary>Shares the pipeline of a <see cref="TableServiceClient"/>.</summary>
    internal TableClient(Uri endpoint, string tableName, HttpPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _endpoint = endpoint;
        _pipeline = pipeline;
        Name = tableName;
        Uri = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + tableName);
    }

    /// <summary>The table name.</summary>
    public virtual string Name { get; }

    /// <summary>The table's URI, e.g. <c>https://account.table.core.windows.net/orders</c>.</summary>
    public virtual Uri Uri { get; }

    /// <summary>
    /// Renders a filter, turning every interpolated value into a correctly escaped OData literal:
    /// strings quoted with quotes doubled, <c>123L</c> for Int64, <c>datetime'…'</c> in UTC with seven
    /// fraction digits, <c>guid'…'</c>, <c>X'…'</c> for binary.
    /// </summary>
    /// <example><c>TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and Amount gt {100L}")</c></example>
    /// <exception cref="ArgumentException">A value has no Table service literal (or is a non-finite double).</exception>
    public static string CreateQueryFilter(FormattableString filter) => TableValues.FormatFilter(filter);

    /// <summary>
    /// Creates the table unless it exists. The raw response tells which: 204 created, 409 already there.
    /// </summary>
    public virtual async Task<Response<TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        var response = await _pipeline.SendAsync(message, cancellationToken, 201, 204, 409).ConfigureAwait(false);
        if (response.Status == 409 && ErrorCodeOf(response) != "TableAlreadyExists")
        {
            // e.g. TableBeingDeleted: the table is not usable, so this is not "exists".
            throw new RequestFailedException(response, null, StorageRequestFailedDetailsParser.Instance);
        }

        return Response.FromValue(new TableItem(Name), response);
    }

    /// <summary>Deletes the table and every entity in it. Like the SDK, a table that does not exist answers 404 without throwing.</summary>
    public virtual async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Delete, $"/Tables('{Uri.EscapeDataString(Name)}')");
        return await _pipeline.SendAsync(message, cancellationToken, 204, 404).ConfigureAwait(false);
    }

    /// <summary>Reads one entity.</summary>
    /// <param name="partitionKey">Its partition key.</param>
    /// <param name="rowKey">Its row key.</param>
    /// <param name="select">Only these properties (the keys and Timestamp are returned only if named); all when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="RequestFailedException">404 when the entity (or table) does not exist.</exception>
    public virtual async Task<Response<TableEntity>> GetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        using var message = CreateGetEntityMessage(partitionKey, rowKey, select);
        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        return Response.FromValue(ReadEntity(response), response);
    }

    /// <summary>Reads one entity, or answers <c>HasValue == false</c> when it does not exist.</summary>
    /// <exception cref="RequestFailedException">Any other failure, including a missing table (404 TableNotFound).</exception>
    public virtual async Task<NullableResponse<TableEntity>> GetEntityIfExistsAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        using var message = CreateGetEntityMessage(partitionKey, rowKey, select);
        var response = await _pipeline.SendAsync(message, cancellationToken, 200, 404).ConfigureAwait(false);
        if (response.Status == 200)
        {
            return Response.FromValue(ReadEntity(response), response);
        }

        ThrowIfTableNotFound(response);
        return new NoValueResponse<TableEntity>(response);
    }

    /// <summary>
    /// Queries entities, one request per page, following the service's continuation
    /// (<c>x-ms-continuation-NextPartitionKey/NextRowKey</c>, carried as one opaque token).
    /// </summary>
    /// <param name="filter">An OData filter, best built with <see cref="CreateQueryFilter"/>; all entities when null.</param>
    /// <param name="maxPerPage">The page size (<c>$top</c>); the service caps pages at 1,000.</param>
    /// <param name="select">Only these properties; all when null.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public virtual AsyncPageable<TableEntity> QueryAsync(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        var selectList = select is null ? null : TableValues.Join(select);
        return new TablePageable<TableEntity>(
            (continuation, pageSize, ct) => QueryPageAsync(filter, pageSize, selectList, continuation, ct), maxPerPage, cancellationToken);
    }

    /// <summary>Inserts an entity. The response's <c>Headers.ETag</c> is its version.</summary>
    /// <exception cref="RequestFailedException">409 EntityAlreadyExists when the keys are taken.</exception>
    public virtual async Task<Response> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        _ = KeysOf(entity); // fail fast and clearly rather than with the service's 400
        using var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Post, "/" + Name);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetEntityContent(message, entity);
        return await _pipeline.SendAsync(message, cancellationToken, 201, 204).ConfigureAwait(false);
    }

    /// <summary>Inserts the entity, or merges into / replaces the existing one, unconditionally.</summary>
    public virtual Task<Response> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default) =>
        WriteEntityAsync(entity, mode, ifMatch: null, cancellationToken);

    /// <summary>Merges into or replaces an existing entity if its version still matches <paramref name="ifMatch"/>.</summary>
    /// <param name="entity">The new content, with its keys.</param>
    /// <param name="ifMatch">The version read earlier, or <see cref="ETag.All"/> for any version.</param>
    /// <param name="mode">Merge keeps properties not sent; Replace drops them.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="RequestFailedException">412 UpdateConditionNotSatisfied when the entity changed since; 404 when absent.</exception>
    public virtual Task<Response> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge,
        CancellationToken cancellationToken = default)
    {
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs an ETag to match; pass ETag.All to update whatever version is stored.", nameof(ifMatch));
        }

        return WriteEntityAsync(entity, mode, ifMatch, cancellationToken);
    }

    /// <summary>
    /// Deletes an entity if its version matches <paramref name="ifMatch"/> (<c>default</c> means <see cref="ETag.All"/>).
    /// Like the SDK, an entity that does not exist answers 404 without throwing.
    /// </summary>
    /// <exception cref="RequestFailedException">412 UpdateConditionNotSatisfied when the entity changed since; 404 TableNotFound.</exception>
    public virtual async Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        using var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Delete, "/" + Name + TableValues.EntityKeyPath(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", (ifMatch == default ? ETag.All : ifMatch).ToString("H"));
        var response = await _pipeline.SendAsync(message, cancellationToken, 204, 404).ConfigureAwait(false);
        ThrowIfTableNotFound(response);
        return response;
    }

    /// <summary>
    /// Applies up to 100 actions on one partition atomically (an entity-group transaction over <c>$batch</c>):
    /// all succeed, or none is applied.
    /// </summary>
    /// <returns>One response per action, in order, each with its status and (for writes) the new <c>Headers.ETag</c>.</returns>
    /// <exception cref="ArgumentException">No actions, more than 100, more than one partition, or one entity twice; nothing is sent.</exception>
    /// <exception cref="TableTransactionFailedException">The service rejected an action; nothing was applied.</exception>
    public virtual async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> actions,
        CancellationToken cancellationToken = default)
    {
        var list = TableTransactionBatch.Validate(actions);
        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");
        using var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batchBoundary);
        message.Request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        message.Request.Content = RequestContent.Create(TableTransactionBatch.BuildBody(list, Uri, batchBoundary, changesetBoundary));
        var response = await _pipeline.SendAsync(message, cancellationToken, 202).ConfigureAwait(false);

        var results = TableTransactionBatch.ParseResponses(response);
        if (results.FirstOrDefault(r => r.IsError) is { } failed)
        {
            throw new TableTransactionFailedException(failed, TableTransactionBatch.FailedActionIndex(failed, list.Count));
        }

        if (results.Count != list.Count)
        {
            throw new RequestFailedException(response.Status, $"The transaction response holds {results.Count} action responses for {list.Count} actions.");
        }

        return Response.FromValue(results, response);
    }

    internal static HttpMessage CreateMessage(HttpPipeline pipeline, Uri endpoint, RequestMethod method, string path)
    {
        var message = pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.SetValue("Accept", JsonMinimalMetadata);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        return message;
    }

    internal static string? ErrorCodeOf(Response response) =>
        StorageRequestFailedDetailsParser.Instance.TryParse(response, out var error, out _) ? error?.Code : null;

    private async Task<Page<TableEntity>> QueryPageAsync(string? filter, int? top, string? select, string? continuation, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Get, "/" + Name + "()");
        var uri = message.Request.Uri;
        if (filter is not null)
        {
            uri.AppendQuery("$filter", filter);
        }

        if (top is not null)
        {
            uri.AppendQuery("$top", top.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (select is not null)
        {
            uri.AppendQuery("$select", select);
        }

        if (continuation is not null)
        {
            var (nextPartitionKey, nextRowKey) = SplitContinuation(continuation);
            uri.AppendQuery("NextPartitionKey", nextPartitionKey);
            if (nextRowKey.Length > 0)
            {
                uri.AppendQuery("NextRowKey", nextRowKey);
            }
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        using var json = JsonDocument.Parse(response.Content.ToMemory());
        var entities = json.RootElement.GetProperty("value").EnumerateArray().Select(TableEntityJson.Read).ToList();
        response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPk);
        response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRk);
        var next = string.IsNullOrEmpty(nextPk) ? null : nextPk + " " + nextRk;
        return Page<TableEntity>.FromValues(entities, next, response);
    }

    /// <summary>The service's tokens are base64-like and never contain a space, so one joins the two halves.</summary>
    private static (string PartitionKey, string RowKey) SplitContinuation(string token)
    {
        var space = token.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (token, string.Empty) : (token[..space], token[(space + 1)..]);
    }

    private async Task<Response> WriteEntityAsync(TableEntity entity, TableUpdateMode mode, ETag? ifMatch, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = KeysOf(entity);
        var method = mode switch
        {
            TableUpdateMode.Merge => new RequestMethod("MERGE"),
            TableUpdateMode.Replace => RequestMethod.Put,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown update mode."),
        };
        using var message = CreateMessage(_pipeline, _endpoint, method, "/" + Name + TableValues.EntityKeyPath(partitionKey, rowKey));
        if (ifMatch is { } condition)
        {
            // Without If-Match the service inserts when absent: that is what makes it an upsert.
            message.Request.Headers.SetValue("If-Match", condition.ToString("H"));
        }

        SetEntityContent(message, entity);
        return await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
    }

    private HttpMessage CreateGetEntityMessage(string partitionKey, string rowKey, IEnumerable<string>? select)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        var message = CreateMessage(_pipeline, _endpoint, RequestMethod.Get, "/" + Name + TableValues.EntityKeyPath(partitionKey, rowKey));
        if (select is not null)
        {
            message.Request.Uri.AppendQuery("$select", TableValues.Join(select));
        }

        return message;
    }

    private static TableEntity ReadEntity(Response response)
    {
        using var json = JsonDocument.Parse(response.Content.ToMemory());
        var entity = TableEntityJson.Read(json.RootElement);
        if (response.Headers.ETag is { } etag)
        {
            entity.ETag = etag;
        }

        return entity;
    }

    private static void SetEntityContent(HttpMessage message, TableEntity entity)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(TableEntityJson.Serialize(entity));
    }

    private static (string PartitionKey, string RowKey) KeysOf(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.PartitionKey is null || entity.RowKey is null)
        {
            throw new ArgumentException("The entity needs a PartitionKey and a RowKey.", nameof(entity));
        }

        return (entity.PartitionKey, entity.RowKey);
    }

    /// <summary>A missing table is a deployment fault, never "no such entity".</summary>
    private static void ThrowIfTableNotFound(Response response)
    {
        if (response.Status == 404 && ErrorCodeOf(response) == "TableNotFound")
        {
            throw new RequestFailedException(response, null, StorageRequestFailedDetailsParser.Instance);
        }
    }
}
