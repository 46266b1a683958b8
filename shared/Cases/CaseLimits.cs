using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Cases;

/// <summary>
/// How far a case may grow. A case is one row of the <c>cases</c> table, and Table storage refuses an entity over 1 MiB
/// (strings counted in UTF-16, two bytes a character), a property over 64 KiB, more than 252 properties, and an
/// entity-group transaction of more than 100 entities or 4 MiB. Once a row passed those limits no later transition of
/// the case could be written, so every field that grows with what clients do over a case's life has a limit here,
/// refused with 409 problem+json naming the rule (<c>…/problems/{rule}</c>) before anything is written.
/// </summary>
/// <remarks>
/// <para>What grows, and what bounds it:</para>
/// <list type="bullet">
/// <item>The review state (<see cref="ParcelCase.Review"/>): one decision per officer decision, each with its comment
/// (2,000 characters at most, and <see cref="MaxCommentCharacters"/> over the case). Decisions come in rounds: a round
/// ends with a return for rework (<see cref="MaxReworkReturns"/>), a plan's rejection (a new plan follows, at most
/// <see cref="MaxPlans"/>) or the chain's end, and has at most one decision per step of its chain
/// (<see cref="MaxChainSteps"/>, a policy rule): at most (10 + 5 + 1) × 10 = 160 decisions. The plan keeps at most
/// <see cref="MaxPlanDocuments"/> documents, each approved by at most 10 roles of 100 characters. Step visits are
/// counted per step id of the chains visited; links reissued are kept for the current step only.</item>
/// <item>The payments (<see cref="ParcelCase.Payments"/>): the latest contract version only (its plan at most 60
/// instalments), the schedule (as many instalments), at most <see cref="MaxReceipts"/> receipts of at most 100-character
/// references, and a computation error cut to <see cref="MaxPaymentErrorLength"/> characters.</item>
/// <item>The survey (<see cref="ParcelCase.Attributes"/>, <see cref="ParcelCase.Screening"/>): fixed at submission, the
/// policy's attributes (a string attribute at most 256 characters) and the outcome of its rules;
/// <see cref="ParcelCase.OverlappingCases"/> lists at most <see cref="MaxOverlappingCases"/> cases, the largest
/// overlaps, with a count of the rest.</item>
/// <item>The timers (<see cref="ParcelCase.Timers"/>): those of the current step, the plan deadline, the transition
/// period, and two for each of the next instalments not yet paid
/// (<see cref="LandRedevelopment.Payments.Durable.PaymentService.InstalmentsWithTimers"/>).</item>
/// <item>Events, outbox and evidence rows are rows of their own (a long text split by <see cref="LargeText"/>); a
/// transaction holds one transition's: at most the policy's files (<c>evidence.maxFiles</c>, itself at most
/// <see cref="MaxDeclaredFiles"/>), a few events, its mails (packed into as few rows as they fit,
/// <see cref="LandRedevelopment.Outbox.OutboxMessage.Pack"/>) and the timers set or cancelled.</item>
/// </list>
/// <para>
/// Serialized as stored — JSON escapes every character outside ASCII as <c>\uXXXX</c>, six characters, so every free
/// text is counted six times over — a case at all these limits is about 750 KiB (pinned by a test: the review state
/// about 315 KiB, the payments 250 KiB, a survey of 20 long text attributes and 30 rules 165 KiB), a margin of over
/// 250 KiB under the 1 MiB row. As a last line of defence, <see cref="CaseStore"/> refuses to submit a row
/// or transaction past the storage limits, and turns a refusal for size by storage itself into
/// <see cref="CaseRecordLimitException"/>, which the API answers 409 <c>case-record-limit</c>: an unforeseen path fails
/// cleanly, and the case stays as it was.
/// </para>
/// </remarks>
public static class CaseLimits
{
    /// <summary>Payment receipts a case keeps (rule <c>receipts-limit</c>).</summary>
    public const int MaxReceipts = 200;

    /// <summary>Returns for rework over a case's life, determination and plan together (rule <c>rework-limit</c>).</summary>
    public const int MaxReworkReturns = 10;

    /// <summary>Redevelopment plans submitted over a case's life (rule <c>plans-limit</c>).</summary>
    public const int MaxPlans = 5;

    /// <summary>
    /// Documents (kinds) on file with a plan (rule <c>plan-documents-limit</c>): room for every document a built-in city's
    /// gates may ask of one plan (中卫: a soil survey, the original land user's consent, a social-stability assessment and a
    /// resettlement plan) and as many declared with it.
    /// </summary>
    public const int MaxPlanDocuments = 8;

    /// <summary>Characters of officers' comments over a case's decisions (rule <c>comments-limit</c>).</summary>
    public const int MaxCommentCharacters = 10_000;

    /// <summary>Steps of one review chain (a policy rule).</summary>
    public const int MaxChainSteps = 10;

    /// <summary>
    /// Files one declaration may name (a survey's evidence, a resubmission's, a plan's documents): the most a policy's
    /// <c>evidence.maxFiles</c> may allow. Each file is a row written in one transaction with the case row, the
    /// declaration's events, its timers and its outbox, and a transaction holds at most
    /// <see cref="MaxTransactionEntities"/> rows: 80 leaves room for the rest.
    /// </summary>
    public const int MaxDeclaredFiles = 80;

    /// <summary>Overlapping cases a case lists; the rest are counted.</summary>
    public const int MaxOverlappingCases = 50;

    /// <summary>Characters of a payment computation's error the case keeps.</summary>
    public const int MaxPaymentErrorLength = 2_000;

    /// <summary>The largest entity Table storage stores.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>The most properties of an entity Table storage stores, besides its keys and timestamp.</summary>
    public const int MaxEntityProperties = 252;

    /// <summary>The most entities of one entity-group transaction.</summary>
    public const int MaxTransactionEntities = 100;

    /// <summary>The largest entity-group transaction body Table storage takes.</summary>
    public const int MaxTransactionBytes = 4 * 1024 * 1024;

    /// <summary>The storage error codes that refuse a write for its size.</summary>
    public static readonly IReadOnlySet<string> SizeErrorCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "EntityTooLarge", "PropertyValueTooLarge", "RequestBodyTooLarge", "TooManyProperties",
    };

    /// <summary>
    /// The size of an entity as Table storage counts it: 4 bytes, the keys in UTF-16, and per property 8 bytes, its name
    /// in UTF-16 and its value (a string 4 bytes and two per UTF-16 unit, a number or date 8 bytes, a boolean 1).
    /// </summary>
    public static long EntityBytes(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        long bytes = 4 + 2L * ((entity.PartitionKey?.Length ?? 0) + (entity.RowKey?.Length ?? 0));
        foreach (var (name, value) in Properties(entity))
        {
            bytes += 8 + (2L * name.Length) + value switch
            {
                null => 0,
                string s => 4 + (2L * s.Length),
                bool => 1,
                int => 4,
                byte[] b => 4 + b.Length,
                Guid => 16,
                _ => 8,
            };
        }

        return bytes;
    }

    /// <summary>The properties of an entity besides its keys, timestamp and ETag.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Properties(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"));
    }
}

/// <summary>
/// A write of a case would pass a limit of Table storage (the row's size or properties, the transaction's entities or
/// size), found before it was sent or refused by storage: nothing of it was written. The API answers 409
/// <c>case-record-limit</c>.
/// </summary>
public sealed class CaseRecordLimitException : Exception
{
    public CaseRecordLimitException()
    {
    }

    public CaseRecordLimitException(string message)
        : base(message)
    {
    }

    public CaseRecordLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The case, when known.</summary>
    public string? CaseId { get; init; }

    /// <summary>What passed its limit: <c>row</c>, <c>transaction</c>, or the storage error code.</summary>
    public string Limit { get; init; } = "row";
}
