namespace LandRedevelopment.Storage.Queues;

/// <summary>A message received with Get Messages: visible to no one else until <see cref="NextVisibleOn"/>.</summary>
public class QueueMessage
{
    /// <summary>Creates a message (for tests and mocks; the client builds these from responses).</summary>
    public QueueMessage(string messageId, string popReceipt, BinaryData body, long dequeueCount,
        DateTimeOffset? insertedOn = null, DateTimeOffset? expiresOn = null, DateTimeOffset? nextVisibleOn = null)
    {
        MessageId = messageId;
        PopReceipt = popReceipt;
        Body = body;
        DequeueCount = dequeueCount;
        InsertedOn = insertedOn;
        ExpiresOn = expiresOn;
        NextVisibleOn = nextVisibleOn;
    }

    /// <summary>The message identifier.</summary>
    public string MessageId { get; }

    /// <summary>The receipt that authorises deleting or updating this message until it becomes visible again.</summary>
    public string PopReceipt { get; }

    /// <summary>The decoded message body.</summary>
    public BinaryData Body { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string MessageText => Body.ToString();

    /// <summary>How many times the message has been received, this time included.</summary>
    public long DequeueCount { get; }

    /// <summary>When the message was added.</summary>
    public DateTimeOffset? InsertedOn { get; }

    /// <summary>When the message expires (9999-12-31 for a message that never expires).</summary>
    public DateTimeOffset? ExpiresOn { get; }

    /// <summary>When the message becomes visible to receivers again.</summary>
    public DateTimeOffset? NextVisibleOn { get; }
}

/// <summary>A message seen with Peek Messages: not locked, so it carries no pop receipt.</summary>
public class PeekedMessage
{
    /// <summary>Creates a peeked message (for tests and mocks).</summary>
    public PeekedMessage(string messageId, BinaryData body, long dequeueCount, DateTimeOffset? insertedOn = null, DateTimeOffset? expiresOn = null)
    {
        MessageId = messageId;
        Body = body;
        DequeueCount = dequeueCount;
        InsertedOn = insertedOn;
        ExpiresOn = expiresOn;
    }

    /// <summary>The message identifier.</summary>
    public string MessageId { get; }

    /// <summary>The decoded message body.</summary>
    public BinaryData Body { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string MessageText => Body.ToString();

    /// <summary>How many times the message has been received.</summary>
    public long DequeueCount { get; }

    /// <summary>When the message was added.</summary>
    public DateTimeOffset? InsertedOn { get; }

    /// <summary>When the message expires.</summary>
    public DateTimeOffset? ExpiresOn { get; }
}

/// <summary>What Put Message returns for the new message.</summary>
public class SendReceipt
{
    /// <summary>Creates a receipt (for tests and mocks).</summary>
    public SendReceipt(string messageId, string popReceipt, DateTimeOffset insertionTime, DateTimeOffset expirationTime, DateTimeOffset timeNextVisible)
    {
        MessageId = messageId;
        PopReceipt = popReceipt;
        InsertionTime = insertionTime;
        ExpirationTime = expirationTime;
        TimeNextVisible = timeNextVisible;
    }

    /// <summary>The message identifier.</summary>
    public string MessageId { get; }

    /// <summary>A pop receipt that can delete or update the message while it is invisible.</summary>
    public string PopReceipt { get; }

    /// <summary>When the message was added.</summary>
    public DateTimeOffset InsertionTime { get; }

    /// <summary>When the message expires.</summary>
    public DateTimeOffset ExpirationTime { get; }

    /// <summary>When the message first becomes visible to receivers.</summary>
    public DateTimeOffset TimeNextVisible { get; }
}

/// <summary>What Update Message returns: the pop receipt that replaces the old one.</summary>
public class UpdateReceipt
{
    /// <summary>Creates a receipt (for tests and mocks).</summary>
    public UpdateReceipt(string popReceipt, DateTimeOffset nextVisibleOn)
    {
        PopReceipt = popReceipt;
        NextVisibleOn = nextVisibleOn;
    }

    /// <summary>The new pop receipt; the previous one no longer works.</summary>
    public string PopReceipt { get; }

    /// <summary>When the message becomes visible again.</summary>
    public DateTimeOffset NextVisibleOn { get; }
}

/// <summary>A queue's metadata and approximate length (Get Queue Metadata).</summary>
public class QueueProperties
{
    /// <summary>Creates properties (for tests and mocks).</summary>
    public QueueProperties(int approximateMessagesCount, IDictionary<string, string> metadata)
    {
        ApproximateMessagesCount = approximateMessagesCount;
        Metadata = metadata;
    }

    /// <summary>The approximate number of messages, visible or not; never lower than the real count.</summary>
    public int ApproximateMessagesCount { get; }

    /// <summary>The queue's user-defined metadata (names compared case-insensitively).</summary>
    public IDictionary<string, string> Metadata { get; }
}

/// <summary>A queue in the account, as listed by <see cref="QueueServiceClient.GetQueuesAsync"/>.</summary>
public class QueueItem
{
    /// <summary>Creates the item for a queue name (for tests and mocks; the client builds these from responses).</summary>
    public QueueItem(string name)
    {
        Name = name;
    }

    /// <summary>The queue name.</summary>
    public string Name { get; }
}
