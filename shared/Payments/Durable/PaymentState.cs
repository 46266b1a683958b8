using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;

namespace LandRedevelopment.Payments.Durable;

/// <summary>Where a case's land-price payments stand.</summary>
public enum PaymentStatus
{
    /// <summary>The contract is recorded and its computation queued.</summary>
    Queued,

    /// <summary>The schedule is computed and running.</summary>
    Scheduled,

    /// <summary>The contract breaks the policy's rules; the violations say which.</summary>
    Rejected,

    /// <summary>The computation failed after its retries (the message is in <c>payments-poison</c>); the error says why.</summary>
    Failed,
}

/// <summary>Money received against the schedule.</summary>
/// <param name="Reference">The payment's reference (bank transaction, receipt number): the idempotency key.</param>
/// <param name="Amount">How much.</param>
/// <param name="ReceivedOn">The day it was received.</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed record Receipt(string Reference, Money Amount, DateOnly ReceivedOn, DateTimeOffset RecordedAt);

/// <summary>
/// A case's contract, schedule and receipts, stored on the case row beside the review state, so a payment
/// transition commits with its events, outbox rows and timers in the case's transaction like a review one.
/// </summary>
public sealed record PaymentState
{
    /// <summary>The contract as recorded (the latest version).</summary>
    public required ContractTerms Contract { get; init; }

    /// <summary>The canonical hash of the contract body, to tell a retry from a change.</summary>
    public required string ContractHash { get; init; }

    /// <summary>Where the computation stands.</summary>
    public PaymentStatus Status { get; init; } = PaymentStatus.Queued;

    /// <summary>The schedule, once computed.</summary>
    public PaymentSchedule? Schedule { get; init; }

    /// <summary>Why the contract was rejected.</summary>
    public IReadOnlyList<PaymentViolation> Violations { get; init; } = [];

    /// <summary>
    /// The <see cref="RecordingRules"/> the contract was checked against when it was recorded; null on a contract recorded
    /// before they were written down, which is computed without holding against it the rules it was not checked against.
    /// </summary>
    public IReadOnlyList<string>? CheckedWhenRecorded { get; init; }

    /// <summary>What the contract does not meet of the rules that came in after it was recorded (see <see cref="PaymentComputation.RecordedBeforeRules"/>).</summary>
    public IReadOnlyList<PaymentViolation> RecordedBeforeRules { get; init; } = [];

    /// <summary>Why the computation failed.</summary>
    public string? Error { get; init; }

    /// <summary>Money received, oldest first.</summary>
    public ImmutableList<Receipt> Receipts { get; init; } = [];

    /// <summary>Instalments whose reminder went out.</summary>
    public ImmutableSortedSet<int> Reminded { get; init; } = [];

    /// <summary>Instalments that fell overdue.</summary>
    public ImmutableSortedSet<int> Overdue { get; init; } = [];

    /// <summary>Everything received.</summary>
    [JsonIgnore]
    public Money Paid => Money.Sum(Receipts.Select(r => r.Amount));

    /// <summary>What each instalment has received, paying the earliest first.</summary>
    public IReadOnlyList<Money> PaidPerInstalment()
    {
        var left = Paid;
        var paid = new List<Money>();
        foreach (var instalment in Schedule?.Instalments ?? [])
        {
            var share = left >= instalment.Amount ? instalment.Amount : left;
            paid.Add(share);
            left -= share;
        }

        return paid;
    }

    /// <summary>The amount still owed.</summary>
    [JsonIgnore]
    public Money Balance => (Schedule?.Due.Amount ?? Money.Zero) - Paid;

    /// <summary>
    /// The figures the case index keeps for reports: the amount the schedule makes due (none before one is computed),
    /// everything received, and what is unpaid of the instalments that fell overdue.
    /// </summary>
    public LandPriceFigures Figures()
    {
        var overdue = Money.Zero;
        var instalments = Schedule?.Instalments ?? [];
        var paid = PaidPerInstalment();
        for (var i = 0; i < instalments.Count; i++)
        {
            if (Overdue.Contains(instalments[i].Number))
            {
                overdue += instalments[i].Amount - paid[i];
            }
        }

        return new LandPriceFigures(Schedule is not null, Schedule?.Due.Amount ?? Money.Zero, Paid, overdue);
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The stored state, or null before any contract.</summary>
    public static PaymentState? Read(string? json) => json is null ? null : JsonSerializer.Deserialize<PaymentState>(json, Options);

    /// <summary>The state to store.</summary>
    public string Write() => JsonSerializer.Serialize(this, Options);
}

/// <summary>Money as the API and the audit trail write it.</summary>
public static class MoneyText
{
    /// <summary>Yuan with two decimals and no grouping or symbol, e.g. <c>7999999.99</c> (exact: money is kept to the fen).</summary>
    public static string ToPlain(this Money amount) => amount.Yuan.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
