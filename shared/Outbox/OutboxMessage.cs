using System.Text.Json;
using LandRedevelopment.Mail;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Outbox;

/// <summary>
/// Something a committed transition still has to do outside its partition: send a mail, put a message on a
/// queue, or schedule a durable timer. Written as a row of the case's partition in the same entity-group
/// transaction as the state change, and delivered afterwards, at least once, by <see cref="OutboxRelay"/>.
/// </summary>
/// <param name="Kind">One of <see cref="OutboxKinds"/>.</param>
/// <param name="Payload">The kind's payload as JSON.</param>
public sealed record OutboxMessage(string Kind, string Payload)
{
    /// <summary>The row keys of outbox rows start with this.</summary>
    public const string RowPrefix = "outbox-";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A mail to send.</summary>
    public static OutboxMessage Mail(MailMessageSpec mail) => new(OutboxKinds.Mail, JsonSerializer.Serialize(mail, Json));

    /// <summary>A message to put on a queue (the relay encodes it as the queue expects).</summary>
    public static OutboxMessage Queue(string queueName, object message) =>
        new(OutboxKinds.Queue, JsonSerializer.Serialize(new QueuePayload(queueName, JsonSerializer.Serialize(message, Json)), Json));

    /// <summary>A durable timer to schedule: its due-date index row and its queue message.</summary>
    public static OutboxMessage Timer(DurableTimer timer) => new(OutboxKinds.Timer, JsonSerializer.Serialize(timer, Json));

    /// <summary>The row that carries this message in <paramref name="partition"/>.</summary>
    public TableEntity ToEntity(string partition, string rowKey, DateTimeOffset at)
    {
        var entity = new TableEntity(partition, rowKey) { ["Kind"] = Kind, ["At"] = at };
        LargeText.Set(entity, "Payload", Payload);
        return entity;
    }

    /// <summary>Reads a row written by <see cref="ToEntity"/>.</summary>
    public static OutboxMessage FromEntity(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.GetString("Kind") ?? "", LargeText.Get(row, "Payload") ?? "{}");
    }

    /// <summary>
    /// A row key for the <paramref name="index"/>-th message of the transition that makes version <paramref name="version"/>:
    /// in order, and unique even should two transitions share a version (one that only cancels timers adds no event).
    /// </summary>
    public static string RowKey(int version, int index) =>
        FormattableString.Invariant($"{RowPrefix}{version:D6}-{index:D3}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}");

    internal sealed record QueuePayload(string Queue, string Message);
}

/// <summary>The kinds of <see cref="OutboxMessage"/>.</summary>
public static class OutboxKinds
{
    /// <summary>An e-mail (payload: a <see cref="MailMessageSpec"/>).</summary>
    public const string Mail = "mail";

    /// <summary>A queue message.</summary>
    public const string Queue = "queue";

    /// <summary>A durable timer (payload: a <see cref="DurableTimer"/>).</summary>
    public const string Timer = "timer";
}

/// <summary>A durable timer of a case: the timer row <paramref name="TimerKey"/> in the case's partition fires at <paramref name="DueAt"/>.</summary>
public sealed record DurableTimer(string TenantId, string CaseId, string TimerKey, DateTimeOffset DueAt);
