using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// The wire format of an entity-group transaction: a <c>multipart/mixed</c> batch holding one changeset,
/// each part an HTTP request; the answer mirrors it with one HTTP response per action, or a single
/// error response for the action that failed.
/// </summary>
internal static class TableTransactionBatch
{
    public const int MaxActions = 100;
    private const string Crlf = "\r\n";

    public static IReadOnlyList<TableTransactionAction> Validate(IEnumerable<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var list = actions.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A transaction needs at least one action.", nameof(actions));
        }

        if (list.Count > MaxActions)
        {
            throw new ArgumentException($"A transaction holds at most {MaxActions} actions; this one has {list.Count}.", nameof(actions));
        }

        var rowKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var entity = list[i]?.Entity ?? throw new ArgumentException($"Action {i} is null.", nameof(actions));
            if (entity.PartitionKey is null || entity.RowKey is null)
            {
                throw new ArgumentException($"Action {i} has no PartitionKey or RowKey.", nameof(actions));
            }

            if (entity.PartitionKey != list[0].Entity.PartitionKey)
            {
                throw new ArgumentException(
                    $"All actions of a transaction must share one PartitionKey: action 0 has '{list[0].Entity.PartitionKey}', action {i} has '{entity.PartitionKey}'.",
                    nameof(actions));
            }

            if (!rowKeys.TryAdd(entity.RowKey, i))
            {
                throw new ArgumentException(
                    $"An entity may appear only once in a transaction: RowKey '{entity.RowKey}' is in actions {rowKeys[entity.RowKey]} and {i}.",
                    nameof(actions));
            }
        }

        return list;
    }

    public static byte[] BuildBody(IReadOnlyList<TableTransactionAction> actions, Uri tableUri, string batchBoundary, string changesetBoundary)
    {
        var sb = new StringBuilder();
        sb.Append("--").Append(batchBoundary).Append(Crlf)
          .Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append(Crlf)
          .Append(Crlf);
        foreach (var action in actions)
        {
            var entity = action.Entity;
            var keys = TableValues.EntityKeyPath(entity.PartitionKey!, entity.RowKey!);
            var ifMatch = (action.ETag == default ? ETag.All : action.ETag).ToString("H");
            var (method, path, condition, body) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", string.Empty, null, true),
                TableTransactionActionType.Delete => ("DELETE", keys, ifMatch, false),
                TableTransactionActionType.UpdateMerge => ("MERGE", keys, ifMatch, true),
                TableTransactionActionType.UpdateReplace => ("PUT", keys, ifMatch, true),
                TableTransactionActionType.UpsertMerge => ("MERGE", keys, (string?)null, true),
                TableTransactionActionType.UpsertReplace => ("PUT", keys, null, true),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.ActionType, "Unknown transaction action type."),
            };

            sb.Append("--").Append(changesetBoundary).Append(Crlf)
              .Append("Content-Type: application/http").Append(Crlf)
              .Append("Content-Transfer-Encoding: binary").Append(Crlf)
              .Append(Crlf)
              .Append(method).Append(' ').Append(tableUri.AbsoluteUri).Append(path).Append(" HTTP/1.1").Append(Crlf)
              .Append("Accept: ").Append(TableClient.JsonMinimalMetadata).Append(Crlf)
              .Append("DataServiceVersion: 3.0").Append(Crlf);
            if (condition is not null)
            {
                sb.Append("If-Match: ").Append(condition).Append(Crlf);
            }

            if (body)
            {
                sb.Append("Content-Type: application/json").Append(Crlf);
                if (method == "POST")
                {
                    sb.Append("Prefer: return-no-content").Append(Crlf);
                }

                // Compact JSON stays on one line, which Azurite's batch reader relies on.
                sb.Append(Crlf).Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(entity)));
            }
            else
            {
                sb.Append(Crlf);
            }

            sb.Append(Crlf);
        }

        sb.Append("--").Append(changesetBoundary).Append("--").Append(Crlf)
          .Append("--").Append(batchBoundary).Append("--").Append(Crlf);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Every HTTP response inside the batch response, in order, however the parts are nested.</summary>
    public static IReadOnlyList<Response> ParseResponses(Response batchResponse)
    {
        var boundary = BoundaryOf(batchResponse.Headers.ContentType)
                       ?? throw new RequestFailedException(batchResponse.Status, $"The transaction response is not multipart: Content-Type '{batchResponse.Headers.ContentType}'.");
        var responses = new List<Response>();
        ReadParts(batchResponse.Content.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), boundary, responses);
        return responses;
    }

    /// <summary>
    /// The zero-based failing action. Azure starts the error message with "index:"; Azurite does that too and also
    /// numbers the failed part's Content-ID from 1 (though the request sends none), which serves as the fallback.
    /// </summary>
    public static int? FailedActionIndex(Response failed, int actionCount)
    {
        int? index = null;
        if (StorageRequestFailedDetailsParser.Instance.TryParse(failed, out var error, out _) && error?.Message is { } message)
        {
            var colon = message.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                index = i;
            }
        }

        if (index is null && failed.Headers.TryGetValue("Content-ID", out var contentId)
            && int.TryParse(contentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            index = id - 1;
        }

        return index >= 0 && index < actionCount ? index : null;
    }

    private static void ReadParts(string body, string boundary, List<Response> into)
    {
        var pieces = body.Split("--" + boundary, StringSplitOptions.None);
        for (var i = 1; i < pieces.Length; i++)
        {
            var piece = pieces[i];
            if (piece.StartsWith("--", StringComparison.Ordinal))
            {
                break; // the closing delimiter
            }

            var lineEnd = piece.IndexOf('\n', StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                continue;
            }

            var (headers, content) = SplitHead(piece[(lineEnd + 1)..]);
            var contentType = headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;
            if (contentType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase) && BoundaryOf(contentType) is { } inner)
            {
                ReadParts(content, inner, into);
            }
            else if (contentType.StartsWith("application/http", StringComparison.OrdinalIgnoreCase) && ParseHttpResponse(content) is { } response)
            {
                into.Add(response);
            }
        }
    }

    private static TransactionActionResponse? ParseHttpResponse(string text)
    {
        // Tolerate stray lines before the status line (Azurite writes one for some whole-batch errors).
        var start = text.IndexOf("HTTP/", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var lineEnd = text.IndexOf('\n', start);
        var statusLine = lineEnd < 0 ? text[start..] : text[start..lineEnd];
        var parts = statusLine.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        var (headers, body) = lineEnd < 0 ? ([], string.Empty) : SplitHead(text[(lineEnd + 1)..]);
        return new TransactionActionResponse(status, parts.Length > 2 ? parts[2].Trim() : string.Empty, headers, Encoding.UTF8.GetBytes(body.TrimEnd('\n')));
    }

    private static (List<HttpHeader> Headers, string Remainder) SplitHead(string text)
    {
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var headers = new List<HttpHeader>();
        foreach (var line in head.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new HttpHeader(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return (headers, end < 0 ? string.Empty : text[(end + 2)..]);
    }

    private static string? BoundaryOf(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        foreach (var parameter in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                return parameter["boundary=".Length..].Trim('"');
            }
        }

        return null;
    }
}

/// <summary>One action's response inside a transaction response.</summary>
internal sealed class TransactionActionResponse : Response
{
    private readonly List<HttpHeader> _headers;

    public TransactionActionResponse(int status, string reasonPhrase, List<HttpHeader> headers, byte[] body)
    {
        Status = status;
        ReasonPhrase = reasonPhrase;
        _headers = headers;
        ContentStream = new MemoryStream(body, writable: false);
    }

    public override int Status { get; }

    public override string ReasonPhrase { get; }

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = string.Empty;

    public override bool IsError => Status >= 400;

    public override void Dispose()
    {
    }

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        value = _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        return value is not null;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        var found = _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        values = found.Count > 0 ? found : null;
        return values is not null;
    }

    protected override bool ContainsHeader(string name) => _headers.Exists(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers;
}
