using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage.Queues;

/// <summary>
/// One queue: create and delete it, and send, receive, peek, update and delete its messages.
/// Shaped like Azure.Storage.Queues' <c>QueueClient</c>; failures throw <see cref="RequestFailedException"/>
/// carrying the service's error code.
/// </summary>
public class QueueClient
{
    /// <summary>The largest message the service accepts, measured after encoding.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>The most messages one Get Messages or Peek Messages call returns.</summary>
    public const int MaxMessagesPerCall = 32;

    /// <summary>The longest visibility timeout the service accepts.</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    private readonly HttpPipeline _pipeline;
    private readonly QueueClientOptions _options;

    /// <summary>Connects to a queue named in a storage account's connection string.</summary>
    public QueueClient(string connectionString, string queueName, QueueClientOptions? options = null)
        : this(QueueUriFromConnectionString(connectionString, queueName, out var parsed), StorageAuthentication.FromConnectionString(parsed), options)
    {
    }

    /// <summary>Connects to the queue at <paramref name="queueUri"/> with the account key.</summary>
    public QueueClient(Uri queueUri, StorageSharedKeyCredential credential, QueueClientOptions? options = null)
        : this(queueUri, StorageAuthentication.FromSharedKey(credential), options)
    {
    }

    /// <summary>Connects to the queue at <paramref name="queueUri"/> with Entra ID tokens (managed identity).</summary>
    public QueueClient(Uri queueUri, TokenCredential credential, QueueClientOptions? options = null)
        : this(queueUri, StorageAuthentication.FromToken(credential), options)
    {
    }

    /// <summary>For mocking.</summary>
    protected QueueClient()
    {
        _pipeline = null!;
        _options = null!;
        Name = null!;
        Uri = null!;
    }

    internal QueueClient(Uri queueUri, HttpPipeline pipeline, QueueClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(queueUri);
        Uri = StorageRest.WithoutQuery(queueUri);
        Name = StorageRest.ResourceSegments(Uri, 1).FirstOrDefault()
               ?? throw new ArgumentException($"'{queueUri}' names no queue.", nameof(queueUri));
        _pipeline = pipeline;
        _options = options;
    }

    // Arguments evaluate left to right, so the pipeline and the client share the one options instance.
    private QueueClient(Uri queueUri, StorageAuthentication auth, QueueClientOptions? options)
        : this(queueUri, StoragePipeline.Build(options ??= new QueueClientOptions(), auth, tableService: false), options)
    {
    }

    /// <summary>The queue name.</summary>
    public string Name { get; }

    /// <summary>The queue URI.</summary>
    public Uri Uri { get; }

    private Uri MessagesUri => StorageRest.Child(Uri, "messages");

    /// <summary>Create Queue; returns null when the queue already existed.</summary>
    public virtual async Task<Response?> CreateIfNotExistsAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var message = NewMessage(RequestMethod.Put, Uri);
        StorageRest.AddMetadata(message.Request, metadata);
        // 204: it exists with the same metadata; 409 QueueAlreadyExists: it exists with other metadata.
        var response = await _pipeline.SendAsync(message, cancellationToken, 201, 204, 409).ConfigureAwait(false);
        if (response.Status == 409)
        {
            StorageRest.ThrowUnlessErrorCode(response, "QueueAlreadyExists");
        }

        return response.Status == 201 ? response : null;
    }

    /// <summary>Delete Queue; false when there was no such queue.</summary>
    public virtual async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = NewMessage(RequestMethod.Delete, Uri);
        var response = await _pipeline.SendAsync(message, cancellationToken, 204, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 204, response);
    }

    /// <summary>
    /// Put Message. <paramref name="visibilityTimeout"/> (0 to 7 days) delays the first delivery;
    /// <paramref name="timeToLive"/> defaults to the service's 7 days, and <c>TimeSpan.FromSeconds(-1)</c>
    /// or <see cref="Timeout.InfiniteTimeSpan"/> means the message never expires.
    /// </summary>
    public virtual async Task<Response<SendReceipt>> SendMessageAsync(string messageText, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        var body = EncodeMessageBody(messageText);
        long? visibility = visibilityTimeout is { } v ? Seconds(v, 0, nameof(visibilityTimeout)) : null;
        long? ttl = timeToLive is { } t ? TimeToLiveSeconds(t, nameof(timeToLive)) : null;

        using var message = NewMessage(RequestMethod.Post, MessagesUri);
        if (visibility is { } vs)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", vs.ToString(CultureInfo.InvariantCulture));
        }

        if (ttl is { } ts)
        {
            message.Request.Uri.AppendQuery("messagettl", ts.ToString(CultureInfo.InvariantCulture));
        }

        message.Request.Content = RequestContent.Create(body);
        var response = await _pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        var m = StorageRest.ReadXml(response).Element("QueueMessage")
                ?? throw new InvalidOperationException("Put Message returned no QueueMessage.");
        return Response.FromValue(
            new SendReceipt(Text(m, "MessageId"), Text(m, "PopReceipt"), Date(m, "InsertionTime")!.Value,
                Date(m, "ExpirationTime")!.Value, Date(m, "TimeNextVisible")!.Value),
            response);
    }

    /// <summary>
    /// Get Messages: up to <paramref name="maxMessages"/> (1 to 32, service default 1) messages, each hidden from other
    /// receivers for <paramref name="visibilityTimeout"/> (1 second to 7 days, service default 30 seconds).
    /// Under <see cref="QueueMessageEncoding.Base64"/> a message whose text is not base64 is returned undecoded,
    /// so the consumer can still see and delete it.
    /// </summary>
    public virtual async Task<Response<QueueMessage[]>> ReceiveMessagesAsync(int? maxMessages = null, TimeSpan? visibilityTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ValidateMaxMessages(maxMessages);
        long? visibility = visibilityTimeout is { } v ? Seconds(v, 1, nameof(visibilityTimeout)) : null;

        using var message = NewMessage(RequestMethod.Get, MessagesUri);
        if (maxMessages is { } n)
        {
            message.Request.Uri.AppendQuery("numofmessages", n.ToString(CultureInfo.InvariantCulture));
        }

        if (visibility is { } vs)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", vs.ToString(CultureInfo.InvariantCulture));
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var messages = StorageRest.ReadXml(response).Elements("QueueMessage")
            .Select(m => new QueueMessage(Text(m, "MessageId"), Text(m, "PopReceipt"), DecodeMessageBody(Text(m, "MessageText")),
                long.Parse(Text(m, "DequeueCount"), CultureInfo.InvariantCulture),
                Date(m, "InsertionTime"), Date(m, "ExpirationTime"), Date(m, "TimeNextVisible")))
            .ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>Peek Messages: up to <paramref name="maxMessages"/> (1 to 32) messages, without hiding them.</summary>
    public virtual async Task<Response<PeekedMessage[]>> PeekMessagesAsync(int? maxMessages = null, CancellationToken cancellationToken = default)
    {
        ValidateMaxMessages(maxMessages);
        using var message = NewMessage(RequestMethod.Get, MessagesUri);
        message.Request.Uri.AppendQuery("peekonly", "true");
        if (maxMessages is { } n)
        {
            message.Request.Uri.AppendQuery("numofmessages", n.ToString(CultureInfo.InvariantCulture));
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var messages = StorageRest.ReadXml(response).Elements("QueueMessage")
            .Select(m => new PeekedMessage(Text(m, "MessageId"), DecodeMessageBody(Text(m, "MessageText")),
                long.Parse(Text(m, "DequeueCount"), CultureInfo.InvariantCulture), Date(m, "InsertionTime"), Date(m, "ExpirationTime")))
            .ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>
    /// Update Message: hides the message for <paramref name="visibilityTimeout"/> (0 to 7 days) from now and, when
    /// <paramref name="messageText"/> is given, replaces its text. The returned pop receipt replaces <paramref name="popReceipt"/>.
    /// </summary>
    public virtual async Task<Response<UpdateReceipt>> UpdateMessageAsync(string messageId, string popReceipt, string? messageText = null,
        TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var visibility = Seconds(visibilityTimeout, 0, nameof(visibilityTimeout));
        var body = messageText is null ? null : EncodeMessageBody(messageText);

        using var message = NewMessage(RequestMethod.Put, StorageRest.Child(MessagesUri, messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", visibility.ToString(CultureInfo.InvariantCulture));
        if (body is not null)
        {
            message.Request.Content = RequestContent.Create(body);
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
        return Response.FromValue(
            new UpdateReceipt(StorageRest.Header(response, "x-ms-popreceipt")!, StorageRest.HeaderDate(response, "x-ms-time-next-visible")!.Value),
            response);
    }

    /// <summary>Delete Message; the pop receipt must be the latest one from Get Messages or Update Message.</summary>
    public virtual async Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        using var message = NewMessage(RequestMethod.Delete, StorageRest.Child(MessagesUri, messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        return await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
    }

    /// <summary>Get Queue Metadata: the approximate message count and the metadata.</summary>
    public virtual async Task<Response<QueueProperties>> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = NewMessage(RequestMethod.Get, Uri);
        message.Request.Uri.AppendQuery("comp", "metadata");
        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var count = int.Parse(StorageRest.Header(response, "x-ms-approximate-messages-count") ?? "0", CultureInfo.InvariantCulture);
        return Response.FromValue(new QueueProperties(count, StorageRest.ReadMetadata(response)), response);
    }

    /// <summary>Clear Messages: deletes every message in the queue.</summary>
    public virtual async Task<Response> ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        using var message = NewMessage(RequestMethod.Delete, MessagesUri);
        return await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
    }

    private HttpMessage NewMessage(RequestMethod method, Uri uri)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        return message;
    }

    /// <summary>The XML body of Put/Update Message, the text encoded and size-checked.</summary>
    private byte[] EncodeMessageBody(string messageText)
    {
        var text = _options.MessageEncoding == QueueMessageEncoding.Base64
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes(messageText))
            : messageText;
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > MaxMessageBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(messageText), size,
                $"The message is {size} bytes after {_options.MessageEncoding} encoding; a queue message holds at most 64 KiB ({MaxMessageBytes} bytes).");
        }

        // Entitize keeps '\r' as &#xD; so CRLF survives the service's XML parser, which would otherwise normalise it to LF.
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, NewLineHandling = NewLineHandling.Entitize, Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            new XElement("QueueMessage", new XElement("MessageText", text)).WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private BinaryData DecodeMessageBody(string text)
    {
        if (_options.MessageEncoding == QueueMessageEncoding.Base64)
        {
            var bytes = new byte[text.Length];
            if (Convert.TryFromBase64String(text, bytes, out var written))
            {
                return new BinaryData(bytes.AsMemory(0, written));
            }
        }

        return BinaryData.FromString(text);
    }

    private static void ValidateMaxMessages(int? maxMessages)
    {
        if (maxMessages is < 1 or > MaxMessagesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, $"maxMessages must be between 1 and {MaxMessagesPerCall}.");
        }
    }

    private static long Seconds(TimeSpan value, int minSeconds, string name)
    {
        var seconds = (long)value.TotalSeconds;
        if (seconds < minSeconds || value > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be between {minSeconds} second(s) and 7 days ({(long)MaxVisibilityTimeout.TotalSeconds} seconds).");
        }

        return seconds;
    }

    private static long TimeToLiveSeconds(TimeSpan value, string name)
    {
        if (value == Timeout.InfiniteTimeSpan || value == TimeSpan.FromSeconds(-1))
        {
            return -1;
        }

        var seconds = (long)value.TotalSeconds;
        if (seconds is < 1 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be at least 1 second and at most {int.MaxValue} seconds, or -1 second (Timeout.InfiniteTimeSpan) for never.");
        }

        return seconds;
    }

    private static Uri QueueUriFromConnectionString(string connectionString, string queueName, out StorageConnectionString parsed)
    {
        parsed = StorageConnectionString.Parse(connectionString);
        return StorageRest.Child(parsed.QueueEndpoint, queueName);
    }

    private static string Text(XElement message, string name) => message.Element(name)?.Value ?? string.Empty;

    private static DateTimeOffset? Date(XElement message, string name) => StorageRest.ParseDate(message.Element(name)?.Value);
}
