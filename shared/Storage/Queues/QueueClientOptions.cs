namespace LandRedevelopment.Storage.Queues;

/// <summary>How message text travels in the queue.</summary>
public enum QueueMessageEncoding
{
    /// <summary>The text is stored as is (XML-escaped on the wire).</summary>
    None,

    /// <summary>The UTF-8 bytes of the text are stored base64-encoded, as the Functions queue trigger expects by default.</summary>
    Base64,
}

/// <summary>Options for the queue clients: service version, retries, transport, and the message encoding.</summary>
public class QueueClientOptions : StorageClientOptions
{
    /// <summary>The Queue service REST version these clients are written against.</summary>
    public const string DefaultServiceVersion = "2025-11-05";

    /// <summary>Creates options with <see cref="DefaultServiceVersion"/> and the storage retry defaults.</summary>
    public QueueClientOptions()
        : base(DefaultServiceVersion)
    {
    }

    /// <summary>How message text is encoded when sent and decoded when received; <see cref="QueueMessageEncoding.None"/> by default.</summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.None;
}
