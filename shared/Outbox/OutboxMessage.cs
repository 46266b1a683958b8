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

    /// <summary>
    /// The most characters of mail one row carries (<see cref="Pack"/>): stored two bytes a character, a row of them stays
    /// well inside Table storage's 1 MiB.
    /// </summary>
    public const int MaxMailCharsPerRow = 400_000;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Mails are mostly Chinese text, which the default encoder would store as \uXXXX, six characters for one: written as
    // they are, a mail takes a third to a sixth of the room. The payload is read back only as JSON, never put in a page.
    private static readonly JsonSerializerOptions MailJson = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A mail to send.</summary>
    public static OutboxMessage Mail(MailMessageSpec mail) => new(OutboxKinds.Mail, JsonSerializer.Serialize(mail, MailJson));

    /// <summary>
    /// The messages of one transition as its outbox rows: each run of mails packed into as few rows as
    /// <see cref="MaxMailCharsPerRow"/> allows (one mail stays a row of its own kind), every other message a row, all in the
    /// order given. A transaction holds at most 100 rows, so a transition that mails every officer of a role, or of the
    /// roles a notice goes to, must not take a row per officer.
    /// </summary>
    public static IReadOnlyList<OutboxMessage> Pack(IReadOnlyList<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var rows = new List<OutboxMessage>(messages.Count);
        var run = new List<string>();
        var runChars = 0;
        foreach (var message in messages)
        {
            if (message.Kind != OutboxKinds.Mail)
            {
                Flush();
                rows.Add(message);
                continue;
            }

            if (run.Count > 0 && runChars + message.Payload.Length + 1 > MaxMailCharsPerRow)
            {
                Flush();
            }

            run.Add(message.Payload);
            runChars += message.Payload.Length + 1;
        }

        Flush();
        return rows;

        void Flush()
        {
            if (run.Count == 1)
            {
                rows.Add(new(OutboxKinds.Mail, run[0]));
            }
            else if (run.Count > 1)
            {
                rows.Add(new(OutboxKinds.Mails, "[" + string.Join(',', run) + "]"));
            }

            run.Clear();
            runChars = 0;
        }
    }

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

    /// <summary>E-mails sent one after another (payload: an array of <see cref="MailMessageSpec"/>; see <see cref="OutboxMessage.Pack"/>).</summary>
    public const string Mails = "mails";

    /// <summary>A queue message.</summary>
    public const string Queue = "queue";

    /// <summary>A durable timer (payload: a <see cref="DurableTimer"/>).</summary>
    public const string Timer = "timer";
}

/// <summary>A durable timer of a case: the timer row <paramref name="TimerKey"/> in the case's partition fires at <paramref name="DueAt"/>.</summary>
public sealed record DurableTimer(string TenantId, string CaseId, string TimerKey, DateTimeOffset DueAt);
