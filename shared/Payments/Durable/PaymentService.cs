using System.Globalization;
using LandRedevelopment.Calendars;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Notices;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Payments.Durable;

/// <summary>A payments message on the <see cref="PaymentService.QueueName"/> queue: compute this contract version's schedule.</summary>
public sealed record PaymentMessage(string TenantId, string CaseId, string ContractId, int Version);

/// <summary>How a payments command went.</summary>
public enum PaymentOutcomeKind
{
    /// <summary>Committed.</summary>
    Applied,

    /// <summary>Nothing to change: a retry, a redelivered message, a superseded version.</summary>
    Unchanged,

    /// <summary>The case cannot take it now (409).</summary>
    Conflict,

    /// <summary>The input breaks a rule (400/422).</summary>
    Invalid,

    /// <summary>No such case.</summary>
    NotFound,
}

/// <summary>The outcome of a payments command, with the state after it.</summary>
/// <param name="Kind">How it went.</param>
/// <param name="State">The payments after it (before it, when refused).</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="Field">The request member it was refused for, without the leading <c>$.</c>.</param>
/// <param name="Violations">The policy's payment rules an <see cref="PaymentOutcomeKind.Invalid"/> contract breaks, each with its article (422).</param>
/// <param name="Limit">For a <see cref="PaymentOutcomeKind.Conflict"/> at one of the case's limits (<see cref="CaseLimits"/>), its rule, e.g. <c>receipts-limit</c>.</param>
public sealed record PaymentOutcome(PaymentOutcomeKind Kind, PaymentState? State, string? Reason = null, string? Field = null, IReadOnlyList<PaymentViolation>? Violations = null,
    string? Limit = null);

/// <summary>
/// Staged land-price payments of a case: the contract, the schedule the <c>ComputePayments</c> queue function
/// computes from the tenant's policy, money received, and a durable timer per instalment (a reminder before the
/// due date, an overdue event after it). Every change commits on the case row with its events, outbox rows and
/// timer rows in one transaction, like the review's; timers are derived from the state, so an instalment paid in
/// full has its timers cancelled in the same transaction.
/// </summary>
public sealed class PaymentService(CaseStore cases, ReviewService review, TenantDirectory tenants, ReviewOptions options, TimeProvider time, OutboxRelay? relay = null)
    : ICaseTimerOwner
{
    /// <summary>The queue the computations travel on (poison: <c>payments-poison</c>).</summary>
    public const string QueueName = "payments";

    /// <summary>The row keys of payment timers start with this.</summary>
    public const string TimerPrefix = CaseStore.TimerRowPrefix + "pay-";

    /// <summary>Days before an instalment's due date its reminder goes out.</summary>
    public int ReminderDays { get; init; } = 7;

    private const int MaxAttempts = 30;

    /// <summary>The payments of a case, or null when it has no contract.</summary>
    public async Task<(PaymentState? State, LoadedCase Case)?> GetAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var loaded = await review.LoadAsync(tenantId, caseId, ct).ConfigureAwait(false);
        return loaded is null ? null : (PaymentState.Read(loaded.Case.Payments), loaded);
    }

    /// <summary>
    /// Records a contract (version) of a case on the redevelopment track and queues its computation through the outbox.
    /// The same version again changes nothing; a newer version replaces the schedule (money received stays on record).
    /// A contract that breaks a <see cref="RecordingRules">rule for paying in instalments</see> (the consent the policy asks,
    /// the kinds of transfer it lets pay in instalments) is refused (<see cref="PaymentOutcomeKind.Invalid"/> with the
    /// violations) and nothing is recorded.
    /// </summary>
    public Task<PaymentOutcome> RecordContractAsync(string tenantId, string caseId, ContractTerms terms, string hash, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return TransitionAsync(tenantId, caseId, actor, ct, (loaded, current) =>
        {
            if (loaded.Case.State is not (CaseState.Redevelopment or CaseState.TransitionOver))
            {
                return Refuse(PaymentOutcomeKind.Conflict, $"A contract is recorded for a case on the redevelopment track; this case is {loaded.Case.State}.");
            }

            if (current is not null)
            {
                var had = current.Contract;
                if (had.ContractId != terms.ContractId)
                {
                    return Refuse(PaymentOutcomeKind.Conflict, $"This case's contract is {had.ContractId}; record a new version of it.", "contractId");
                }

                if (terms.Version < had.Version || (terms.Version == had.Version && hash != current.ContractHash))
                {
                    return Refuse(PaymentOutcomeKind.Conflict,
                        $"Version {terms.Version} of contract {had.ContractId} is {(terms.Version < had.Version ? "older than the one on record" : "already recorded with other content")} (on record: version {had.Version}); send a new version.",
                        "version");
                }

                if (terms.Version == had.Version)
                {
                    return Unchanged;
                }
            }

            // The other rules are judged when the schedule is computed, and a contract breaking them is kept as rejected;
            // one paying in instalments without the consent they need (报…同意后: the consent comes first), or that is not a
            // transfer allowed them (过渡期满办理土地使用权协议出让时), is not recorded at all.
            var broken = PaymentCalculator.CheckRecordingRules(loaded.Context.Policy, terms, loaded.Context.Calendar, loaded.Case.LandUse);
            if (broken.Count > 0)
            {
                return Refuse(broken);
            }

            var next = new PaymentState { Contract = terms, ContractHash = hash, Receipts = current?.Receipts ?? [], CheckedWhenRecorded = RecordingRules.All };
            return Change(next,
                [("ContractRecorded", new { terms.ContractId, terms.Version, terms.SignedOn, terms.EffectiveOn, terms.PriceBasis, terms.NoChargeCase, terms.InstalmentConsent, terms.Transfer, replaces = current?.Contract.Version })],
                [OutboxMessage.Queue(QueueName, new PaymentMessage(tenantId, caseId, terms.ContractId, terms.Version))]);
        });
    }

    /// <summary>
    /// Computes the schedule of the contract version <paramref name="message"/> names, from the policy version of the
    /// case. Idempotent: a redelivered message, or one for a superseded version, changes nothing. A contract that
    /// breaks the policy's rules is recorded as rejected with every violation; a contract recorded before some of the
    /// <see cref="RecordingRules"/> came in is not held to them, and what it does not meet of them is recorded beside
    /// its outcome (<see cref="PaymentState.RecordedBeforeRules"/>). Throws when the message cannot be
    /// processed at all (the host retries it, then moves it to the poison queue; see <see cref="RecordFailureAsync"/>).
    /// </summary>
    public Task<PaymentOutcome> ComputeAsync(PaymentMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TransitionAsync(message.TenantId, message.CaseId, "payments", ct, (loaded, current) =>
        {
            if (current is null || current.Contract.ContractId != message.ContractId)
            {
                throw new InvalidOperationException($"Case {message.CaseId} has no contract {message.ContractId}.");
            }

            if (message.Version > current.Contract.Version)
            {
                throw new InvalidOperationException($"The message is for version {message.Version} of contract {message.ContractId}, but the case records version {current.Contract.Version}.");
            }

            if (message.Version < current.Contract.Version || current.Status != PaymentStatus.Queued)
            {
                return Unchanged;
            }

            // A contract recorded (and queued) before a rule of recording came in is computed as it was then.
            var recordedBefore = RecordingRules.All.Except(current.CheckedWhenRecorded ?? []).ToList();
            var computed = PaymentCalculator.Compute(loaded.Context.Policy, current.Contract, loaded.Context.Calendar, loaded.Case.LandUse, recordedBefore);
            var recordedBeforeRules = computed.RecordedBeforeRules;
            if (!computed.IsValid)
            {
                return Change(current with { Status = PaymentStatus.Rejected, Violations = computed.Violations, RecordedBeforeRules = recordedBeforeRules, Schedule = null },
                    [("PaymentScheduleRejected", new { current.Contract.ContractId, current.Contract.Version, violations = computed.Violations, recordedBeforeRules })], []);
            }

            var schedule = computed.Schedule!;
            return Change(current with { Status = PaymentStatus.Scheduled, Schedule = schedule, Violations = [], RecordedBeforeRules = recordedBeforeRules, Reminded = [], Overdue = [] },
                [("PaymentScheduleComputed", new
                {
                    current.Contract.ContractId,
                    current.Contract.Version,
                    amountDue = schedule.Due.Amount.ToPlain(),
                    basis = schedule.Due.Basis,
                    explanation = schedule.Due.Explanation,
                    source = schedule.Due.Source,
                    plan = schedule.Plan,
                    instalments = schedule.Instalments.Select(i => new { i.Number, amount = i.Amount.ToPlain(), i.DueOn }),
                    current.Contract.InstalmentConsent,
                    current.Contract.Transfer,
                    recordedBeforeRules,
                })], []);
        });
    }

    /// <summary>The last try of a message failed: the case shows the error (the message goes to the poison queue).</summary>
    public Task<PaymentOutcome> RecordFailureAsync(PaymentMessage message, string error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(error);
        error = error.Length > CaseLimits.MaxPaymentErrorLength ? error[..CaseLimits.MaxPaymentErrorLength] + "…" : error;

        // A schedule already running stays; the case still records the error, so nothing fails unseen. A message for
        // another contract or version than the one on record leaves its status and error alone (that one has a message
        // of its own still to come): only the event tells of it.
        return TransitionAsync(message.TenantId, message.CaseId, "payments", ct, (_, current) =>
        {
            if (current is null)
            {
                return Unchanged;
            }

            var onRecord = current.Contract.ContractId == message.ContractId && current.Contract.Version == message.Version;
            var next = !onRecord ? current
                : current with { Status = current.Status == PaymentStatus.Scheduled ? PaymentStatus.Scheduled : PaymentStatus.Failed, Error = error };
            return Change(next, [("PaymentComputationFailed", new { message.ContractId, message.Version, error, poisonQueue = QueueName + "-poison", onRecord })], []);
        });
    }

    /// <summary>Records money received against the schedule; idempotent on the reference.</summary>
    public Task<PaymentOutcome> RecordReceiptAsync(string tenantId, string caseId, Receipt receipt, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return TransitionAsync(tenantId, caseId, actor, ct, (loaded, current) =>
        {
            // A repeat of money already on record is answered as such whatever has happened since (a new contract
            // version may have put the schedule back in the queue): a retry must never look like money not yet recorded.
            if (current?.Receipts.FirstOrDefault(r => r.Reference == receipt.Reference) is { } seen)
            {
                return seen.Amount == receipt.Amount && seen.ReceivedOn == receipt.ReceivedOn
                    ? Unchanged
                    : Refuse(PaymentOutcomeKind.Conflict, $"Reference {receipt.Reference} was already recorded for {seen.Amount} on {seen.ReceivedOn:yyyy-MM-dd}.", "reference");
            }

            if (current is not { Status: PaymentStatus.Scheduled, Schedule: not null })
            {
                return Refuse(PaymentOutcomeKind.Conflict, "The case has no payment schedule to record money against" + (current is null ? "." : $" (payments are {current.Status})."));
            }

            if (receipt.ReceivedOn > loaded.Context.Today)
            {
                return Refuse(PaymentOutcomeKind.Invalid, $"The day received {receipt.ReceivedOn:yyyy-MM-dd} is in the future.", "receivedOn");
            }

            if (receipt.Amount > current.Balance)
            {
                return Refuse(PaymentOutcomeKind.Invalid, $"The amount {receipt.Amount} exceeds the balance {current.Balance}.", "amount");
            }

            if (current.Receipts.Count >= CaseLimits.MaxReceipts)
            {
                return new Decision(null, [], [], new PaymentOutcome(PaymentOutcomeKind.Conflict, null,
                    $"The case has {current.Receipts.Count} receipts on record, the most a case keeps; no further receipt can be recorded.", "reference", Limit: "receipts-limit"));
            }

            var next = current with { Receipts = current.Receipts.Add(receipt with { RecordedAt = loaded.Context.Now }) };
            var events = new List<(string, object)> { ("PaymentReceived", new { receipt.Reference, amount = receipt.Amount.ToPlain(), receipt.ReceivedOn, balance = next.Balance.ToPlain() }) };
            if (next.Balance == Money.Zero)
            {
                events.Add(("PaymentsCompleted", new { current.Contract.ContractId, paid = next.Paid.ToPlain() }));
            }

            return Change(next, events, []);
        });
    }

    /// <inheritdoc />
    public bool Owns(string key) => key.StartsWith(TimerPrefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public async Task<TimerFiring> FireAsync(string tenantId, string caseId, string key, DateTimeOffset dueAt, CancellationToken ct)
    {
        var timer = await cases.GetTimerAsync(tenantId, caseId, key, ct).ConfigureAwait(false);
        if (timer is null || dueAt < timer.DueAt)
        {
            // Gone, or moved later (a due date a holiday calendar put back), with an index entry of its own at the new time.
            return TimerFiring.Unchanged;
        }

        if (time.GetUtcNow() < timer.DueAt)
        {
            return TimerFiring.NotDue;
        }

        var (version, kind, number) = ParseKey(key);
        var officers = await tenants.ListOfficersAsync(tenantId, ct).ConfigureAwait(false);
        var outcome = await TransitionAsync(tenantId, caseId, "timer", ct, (loaded, current) =>
        {
            if (current is not { Status: PaymentStatus.Scheduled, Schedule: { } schedule } || current.Contract.Version != version
                || schedule.Instalments.FirstOrDefault(i => i.Number == number) is not { } instalment)
            {
                return Change(current, [], []);
            }

            var outstanding = instalment.Amount - current.PaidPerInstalment()[schedule.Instalments.ToList().IndexOf(instalment)];
            if (outstanding <= Money.Zero)
            {
                return Change(current, [], []);
            }

            var brief = ReviewBriefs.Brief(loaded);
            var lines = DueLines(current.Contract, schedule, instalment, outstanding);
            if (kind == "remind" && !current.Reminded.Contains(number))
            {
                return Change(current with { Reminded = current.Reminded.Add(number) },
                    [("PaymentReminderSent", new { number, instalment.DueOn, outstanding = outstanding.ToPlain() })],
                    Mails(loaded, officers, "payment-reminder", number, ReviewMails.Notice(brief, $"土地价款缴纳提醒：第 {number} 期将于 {instalment.DueOn:yyyy-MM-dd} 到期", lines)));
            }

            if (kind == "due" && !current.Overdue.Contains(number))
            {
                // A holiday calendar loaded since the schedule was computed may make the due date a rest day: the day moves
                // on (Civil Code art. 203), and so does this timer (the desired timers count it the same way); nothing is overdue yet.
                var dueOn = loaded.Context.Calendar.NextWorkingDayOnOrAfter(instalment.DueOn);
                if (loaded.Context.Now < LegalPeriods.EndInstant(dueOn, loaded.Context.TimeZone))
                {
                    return Change(current, [], []);
                }

                if (dueOn != instalment.DueOn)
                {
                    lines = [.. lines, $"{instalment.DueOn:yyyy-MM-dd} 为法定休假日，缴纳期限顺延至 {dueOn:yyyy-MM-dd}（《民法典》第二百零三条）。"];
                }

                return Change(current with { Overdue = current.Overdue.Add(number) },
                    [("PaymentOverdue", new { number, instalment.DueOn, movedTo = dueOn == instalment.DueOn ? (DateOnly?)null : dueOn, outstanding = outstanding.ToPlain() })],
                    Mails(loaded, officers, "payment-overdue", number, ReviewMails.Notice(brief, $"土地价款逾期：第 {number} 期已于 {dueOn:yyyy-MM-dd} 到期未缴清", lines)));
            }

            return Change(current, [], []);
        }).ConfigureAwait(false);
        return outcome.Kind == PaymentOutcomeKind.Applied ? TimerFiring.Applied : TimerFiring.Unchanged;
    }

    /// <summary>
    /// What a reminder or overdue mail says of an instalment: what is due and still owed, the article, and the consent the
    /// instalments rest on where the contract carries one (克拉玛依 art. 8(1) 报市人民政府同意后), so the officer collecting
    /// the price sees on whose consent it is paid late.
    /// </summary>
    internal static IReadOnlyList<string> DueLines(ContractTerms contract, PaymentSchedule schedule, Instalment instalment, Money outstanding)
    {
        var lines = new List<string>
        {
            $"第 {instalment.Number} 期应于 {instalment.DueOn:yyyy-MM-dd} 前缴纳 {instalment.Amount} 元，尚欠 {outstanding} 元。",
            $"依据：{schedule.Source}",
        };
        if (contract.InstalmentConsent is { } consent)
        {
            lines.Add($"分期缴纳经 {consent.By} 同意：文号 {consent.Reference}，{consent.GivenOn:yyyy-MM-dd} 同意。");
        }

        return lines;
    }

    /// <summary>
    /// Instalments whose timers are set at once: those of the first this many instalments still waiting for their reminder or
    /// their due date. Each timer is a row, and a row to schedule, in the one transaction of a payment transition, which holds
    /// at most 100 rows: a contract may ask for 60 instalments. As each instalment is paid or falls due, the transition that
    /// records it sets the next one's.
    /// </summary>
    public const int InstalmentsWithTimers = 8;

    /// <summary>
    /// The timers a payment state wants: for the first <see cref="InstalmentsWithTimers"/> instalments not paid in full that
    /// still wait for one, the reminder and the overdue instant — the end of the due date, or, where
    /// <paramref name="calendar"/> (as loaded now) makes that a rest day, of the next working day.
    /// </summary>
    public IReadOnlyList<CaseTimer> DesiredTimers(PaymentState? state, TimeZoneInfo zone, HolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(calendar);
        if (state is not { Status: PaymentStatus.Scheduled, Schedule: { } schedule })
        {
            return [];
        }

        var paid = state.PaidPerInstalment();
        var timers = new List<CaseTimer>();
        var waiting = 0;
        // The earliest due first, whatever order the contract listed them in.
        foreach (var i in Enumerable.Range(0, schedule.Instalments.Count).OrderBy(i => schedule.Instalments[i].DueOn).ThenBy(i => schedule.Instalments[i].Number))
        {
            var instalment = schedule.Instalments[i];
            if (paid[i] >= instalment.Amount || state.Overdue.Contains(instalment.Number))
            {
                continue;
            }

            if (++waiting > InstalmentsWithTimers)
            {
                break;
            }

            if (!state.Reminded.Contains(instalment.Number))
            {
                // The start of the day ReminderDays before the due date (24:00 of the day before it).
                timers.Add(new CaseTimer(Key(state.Contract.Version, "remind", instalment.Number), LegalPeriods.EndInstant(instalment.DueOn.AddDays(-ReminderDays - 1), zone)));
            }

            timers.Add(new CaseTimer(Key(state.Contract.Version, "due", instalment.Number), LegalPeriods.EndInstant(calendar.NextWorkingDayOnOrAfter(instalment.DueOn), zone)));
        }

        return timers;
    }

    private static string Key(int version, string kind, int number) => FormattableString.Invariant($"{TimerPrefix}{version}-{kind}-{number}");

    private static (int Version, string Kind, int Number) ParseKey(string key)
    {
        var parts = key[TimerPrefix.Length..].Split('-');
        return parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? (version, parts[1], number)
            : (0, "", 0);
    }

    private static readonly Decision Unchanged = new(null, [], [], null);

    private static Decision Refuse(PaymentOutcomeKind kind, string reason, string? field = null) => new(null, [], [], new PaymentOutcome(kind, null, reason, field));

    private static Decision Refuse(IReadOnlyList<PaymentViolation> violations) =>
        new(null, [], [], new PaymentOutcome(PaymentOutcomeKind.Invalid, null, violations[0].Message, violations[0].Path["$.".Length..], violations));

    private static Decision Change(PaymentState? next, IReadOnlyList<(string Type, object Data)> events, IReadOnlyList<OutboxMessage> outbox) => new(next, events, outbox, null);

    /// <summary>What a payments command decides: a new state with its events and outbox rows, no change, or a refusal.</summary>
    private sealed record Decision(PaymentState? Next, IReadOnlyList<(string Type, object Data)> Events, IReadOnlyList<OutboxMessage> Outbox, PaymentOutcome? Refusal);

    private async Task<PaymentOutcome> TransitionAsync(
        string tenantId, string caseId, string actor, CancellationToken ct, Func<LoadedCase, PaymentState?, Decision> decide)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await review.LoadWithETagAsync(tenantId, caseId, ct).ConfigureAwait(false) is not { } found)
            {
                return new PaymentOutcome(PaymentOutcomeKind.NotFound, null);
            }

            var (loaded, etag) = found;
            var current = PaymentState.Read(loaded.Case.Payments);
            var decision = decide(loaded, current);
            if (decision.Refusal is { } refusal)
            {
                return refusal with { State = current };
            }

            var next = decision.Next ?? current;
            var existing = (await cases.GetTimersAsync(loaded.Case, ct).ConfigureAwait(false)).Where(t => Owns(t.Key)).ToList();
            var desired = DesiredTimers(next, loaded.Context.TimeZone, loaded.Context.Calendar);
            var (set, cancel, move) = CaseTimer.Changes(existing, desired);
            if (decision.Next is null || (decision.Events.Count == 0 && set.Count == 0 && cancel.Count == 0 && move.Count == 0))
            {
                return new PaymentOutcome(PaymentOutcomeKind.Unchanged, current);
            }

            var updated = loaded.Case with
            {
                Payments = next!.Write(),
                Version = loaded.Case.Version + decision.Events.Count,
                UpdatedAt = loaded.Context.Now,
            };
            var outbox = decision.Outbox.Concat(set.Concat(move).Select(t => OutboxMessage.Timer(new DurableTimer(tenantId, caseId, t.Key, t.DueAt)))).ToList();
            IReadOnlyList<LandRedevelopment.Storage.Tables.TableEntity> written;
            try
            {
                written = await cases.CommitAsync(new CaseTransition(updated, etag)
                {
                    Events = decision.Events.Select(e => new NewCaseEvent(e.Type, actor, e.Data)).ToList(),
                    Outbox = outbox,
                    SetTimers = set,
                    CancelTimers = cancel,
                    MoveTimers = move,
                }, ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + attempt * 10)), ct).ConfigureAwait(false);
                continue;
            }

            if (relay is not null && outbox.Count > 0)
            {
                await ReviewService.RelayQuietlyAsync(relay, written, ct).ConfigureAwait(false);
            }

            // A commit that only settled timers changed nothing anyone reads.
            return new PaymentOutcome(decision.Events.Count > 0 ? PaymentOutcomeKind.Applied : PaymentOutcomeKind.Unchanged, next);
        }
    }

    private List<OutboxMessage> Mails(LoadedCase loaded, IReadOnlyList<Officer> officers, string kind, int number, MailContent content)
    {
        // The officers who collect the land price: the policy's supervising role (e.g. the city natural-resources bureau).
        var role = loaded.Context.Policy.Review.Escalation.NotifyRole;
        var headers = new Dictionary<string, string> { ["X-Payment-Kind"] = kind, ["X-Instalment"] = number.ToString(CultureInfo.InvariantCulture) };
        return officers.Where(o => o.Roles.Contains(role, StringComparer.Ordinal))
            .Select(o => CaseMail.To(o, loaded.Case.TenantId, loaded.Case.CaseId, $"{loaded.Case.TenantId}|{loaded.Case.CaseId}|{kind}|{number}|{loaded.Case.Version}|{o.Id}",
                headers, content, options.MessageIdDomain))
            .ToList();
    }
}
