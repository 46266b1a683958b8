using System.Text;
using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Policies;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Review.Durable;

/// <summary>
/// Runs the review of a case durably. Each command: read the case row (with its ETag), decide with the pure
/// <see cref="ReviewDecider"/>, and commit the new state, the events, the outbox rows (mails, timers) and the timer
/// rows in one entity-group transaction guarded by that ETag. A transaction that loses a race (412) reads again
/// and decides again, so of two decisions on one step exactly one is applied and the other is refused. After the
/// commit the outbox is relayed at once; whatever that misses (the app stopped) the sweeper relays later.
/// </summary>
public sealed class ReviewService(CaseStore cases, TenantDirectory tenants, ReviewOptions options, TimeProvider time, OutboxRelay? relay = null) : ICaseTimerOwner
{
    private const int MaxAttempts = 30;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PolicyDocument> _policies = new(StringComparer.Ordinal);

    /// <summary>The actor of commands a timer fires.</summary>
    public const string TimerActor = "timer";

    /// <summary>The actor of what the service does on its own (starting the review).</summary>
    public const string SystemActor = "system";

    /// <summary>
    /// Called after a transition commits and before its outbox is relayed. Only for fault-injection tests of the
    /// at-least-once relay (the app stops here as if killed); null in service.
    /// </summary>
    public Func<ParcelCase, CancellationToken, Task>? AfterCommit { get; set; }

    /// <summary>The name of a determination notice blob in the tenant's container (see <see cref="CaseStore.NoticeBlob"/>).</summary>
    public static string NoticeBlob(string caseId, string noticeId) => CaseStore.NoticeBlob(caseId, noticeId);

    /// <summary>Where notices were kept before the event named its own (one name per case); read for such events only.</summary>
    public static string LegacyNoticeBlob(string caseId) => $"cases/{caseId}/determination-notice.html";

    /// <summary>The property of the DeterminationIssued event's data that names its notice blob.</summary>
    public const string NoticeProperty = CaseStore.NoticeEventProperty;

    /// <summary>
    /// The written determination of the case's committed DeterminationIssued event, or null when no determination
    /// has been issued (none committed; a notice written by a try that lost its commit is never served).
    /// </summary>
    public async Task<string?> ReadNoticeAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var issued = (await cases.GetEventsAsync(tenantId, caseId, ct).ConfigureAwait(false))
            .LastOrDefault(e => e.Type == nameof(DeterminationIssued));
        if (issued is null)
        {
            return null;
        }

        var name = CaseStore.NoticeNamedBy(issued) ?? LegacyNoticeBlob(caseId);
        try
        {
            var download = await cases.Container(tenantId).GetBlobClient(name).DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false);
            await using var content = download.Value.Content;
            using var reader = new StreamReader(content, Encoding.UTF8);
            return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Reads a case with its review and the context a decision would use now.</summary>
    public async Task<LoadedCase?> LoadAsync(string tenantId, string caseId, CancellationToken ct) =>
        (await LoadWithETagAsync(tenantId, caseId, ct).ConfigureAwait(false))?.Loaded;

    /// <summary>
    /// Decides the command <paramref name="command"/> makes of the loaded case and commits its events, with
    /// <paramref name="amendment"/>, as one transition. <paramref name="command"/> may return null when the case is
    /// not in a state it applies to (refused as not allowed).
    /// </summary>
    public async Task<ReviewOutcome> ExecuteAsync(
        string tenantId, string caseId, Func<LoadedCase, ReviewCommand?> command, string actor, CaseAmendment? amendment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        for (var attempt = 0; ; attempt++)
        {
            var read = await LoadWithETagAsync(tenantId, caseId, ct).ConfigureAwait(false);
            if (read is not { } found)
            {
                return ReviewOutcome.NotFound;
            }

            var (loaded, etag) = found;
            var wanted = command(loaded);
            if (wanted is null)
            {
                return new ReviewOutcome(ReviewOutcomeKind.Refused, loaded.Case, loaded.State, [],
                    new DecisionRejection(RejectionKind.NotAllowed, $"The case cannot take this now (state {loaded.Case.State})."));
            }

            var decision = ReviewDecider.Decide(loaded.State, wanted, loaded.Context);
            if (!decision.IsAccepted)
            {
                return new ReviewOutcome(ReviewOutcomeKind.Refused, loaded.Case, loaded.State, [], decision.Rejection);
            }

            var state = ReviewState.Evolve(loaded.State, decision.Events);
            var timers = (await cases.GetTimersAsync(loaded.Case, ct).ConfigureAwait(false)).Where(t => ReviewTimers.Owns(t.Key)).ToList();
            var desired = ReviewTimers.Desired(state);
            var (setTimers, cancelTimers, moveTimers) = CaseTimer.Changes(timers, desired);
            var extra = amendment ?? new CaseAmendment();
            if (decision.Events.Count == 0 && setTimers.Count == 0 && cancelTimers.Count == 0 && moveTimers.Count == 0 && amendment is null)
            {
                return new ReviewOutcome(ReviewOutcomeKind.Unchanged, loaded.Case, state, []);
            }

            var now = loaded.Context.Now;
            var issued = decision.Events.OfType<DeterminationIssued>().FirstOrDefault();
            var notice = issued is null ? null : NoticeBlob(caseId, Guid.NewGuid().ToString("N"));
            var events = extra.Events
                .Concat(decision.Events.Select(e => new NewCaseEvent(ReviewStateJson.EventType(e), actor,
                    e is DeterminationIssued && notice is not null ? WithNotice(ReviewStateJson.EventData(e), notice) : ReviewStateJson.EventData(e))))
                .ToList();
            var updated = (extra.UpdateCase?.Invoke(loaded.Case) ?? loaded.Case) with
            {
                Review = ReviewStateJson.Write(state),
                State = StateOf(state, loaded.Case.State),
                Version = loaded.Case.Version + events.Count,
                UpdatedAt = now,
            };

            var outbox = new List<OutboxMessage>();
            if (decision.Events.Count > 0)
            {
                outbox.AddRange(await MailsAsync(loaded, updated, state, decision.Events, ct).ConfigureAwait(false));
            }

            outbox.AddRange(setTimers.Concat(moveTimers).Select(t => OutboxMessage.Timer(new DurableTimer(tenantId, caseId, t.Key, t.DueAt))));
            if (issued is not null)
            {
                // Written before the commit under a name of this try alone, which the event records: the notice exists
                // whenever the event does, and only the committed event's notice is ever served.
                await WriteNoticeAsync(loaded, state, issued, notice!, ct).ConfigureAwait(false);
            }

            IReadOnlyList<LandRedevelopment.Storage.Tables.TableEntity> written;
            try
            {
                written = await cases.CommitAsync(new CaseTransition(updated, etag)
                {
                    Events = events,
                    Outbox = outbox,
                    AddEvidence = extra.AddEvidence,
                    SetTimers = setTimers,
                    CancelTimers = cancelTimers,
                    MoveTimers = moveTimers,
                }, ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another transition of this case committed first: this try's notice names nothing committed.
                if (notice is not null)
                {
                    await DeleteNoticeQuietlyAsync(tenantId, notice, ct).ConfigureAwait(false);
                }

                if (attempt >= MaxAttempts)
                {
                    throw;
                }

                // Read the case again and decide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + attempt * 10)), ct).ConfigureAwait(false);
                continue;
            }

            if (AfterCommit is { } hook)
            {
                await hook(updated, ct).ConfigureAwait(false);
            }

            if (relay is not null && outbox.Count > 0)
            {
                await RelayQuietlyAsync(relay, written, ct).ConfigureAwait(false);
            }

            return new ReviewOutcome(ReviewOutcomeKind.Applied, updated, state, decision.Events);
        }
    }

    /// <summary>
    /// All declared evidence of a case is verified (a case signal): a candidate waiting for review enters its chain,
    /// a case not a candidate is screened out, and a case returned for rework with a resubmission pending resumes.
    /// Anything else (a repeated signal) changes nothing.
    /// </summary>
    public async Task<ReviewOutcome> OnEvidenceCompleteAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var loaded = await LoadAsync(tenantId, caseId, ct).ConfigureAwait(false);
        if (loaded is null)
        {
            return ReviewOutcome.NotFound;
        }

        if (loaded.Case.State == CaseState.ReadyForReview && loaded.State.Phase == ReviewPhase.AwaitingReview)
        {
            if (!loaded.Case.IsCandidate || loaded.Case.DeterminationChain is null)
            {
                return await ScreenOutAsync(tenantId, caseId, ct).ConfigureAwait(false);
            }

            return await ExecuteAsync(tenantId, caseId,
                c => c.Case.State == CaseState.ReadyForReview && c.Case.DeterminationChain is { } chain ? new StartReview(chain) : null,
                SystemActor, null, ct).ConfigureAwait(false);
        }

        // The signal only says that some evidence was complete when it was sent: a late copy of an earlier round's
        // signal (queues deliver at least once) must not resume a resubmission whose own files are still pending.
        if (loaded.Case.ResubmissionPending && loaded.State.Phase == ReviewPhase.ReturnedForRework
            && await EvidenceCompleteAsync(loaded.Case, ct).ConfigureAwait(false))
        {
            return await ExecuteAsync(tenantId, caseId,
                c => c.Case.ResubmissionPending && (c.Case.Evidence is not { } tally || tally.Verified >= tally.Declared) ? new Resubmitted() : null,
                SystemActor, new CaseAmendment { UpdateCase = c => c with { ResubmissionPending = false } }, ct).ConfigureAwait(false);
        }

        return new ReviewOutcome(ReviewOutcomeKind.Unchanged, loaded.Case, loaded.State, []);
    }

    /// <summary>Whether every evidence file the case declares is verified (from the case row's tally, or by listing the files of a row without one).</summary>
    private async Task<bool> EvidenceCompleteAsync(ParcelCase parcelCase, CancellationToken ct) =>
        parcelCase.Evidence is { } tally ? tally.Verified >= tally.Declared
            : (await cases.GetEvidenceAsync(parcelCase.TenantId, parcelCase.CaseId, ct).ConfigureAwait(false)).All(f => f.Status == EvidenceStatus.Verified);

    /// <summary>
    /// A case returned for rework is resubmitted with new evidence declared: the evidence rows and the event are
    /// written now, and the review resumes when the last file is verified (the case store's evidence-complete signal).
    /// A plan's revision (<paramref name="revise"/>, chosen over the case as read) is applied now, in the same write.
    /// </summary>
    public async Task<ReviewOutcome> DeclareResubmissionAsync(
        string tenantId, string caseId, NewCaseEvent received, IReadOnlyList<EvidenceFile> evidence, Func<LoadedCase, RevisePlan>? revise, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(received);
        for (var attempt = 0; ; attempt++)
        {
            var loaded = await LoadWithETagAsync(tenantId, caseId, ct).ConfigureAwait(false);
            if (loaded is not { } found)
            {
                return ReviewOutcome.NotFound;
            }

            var (current, etag) = found;
            if (current.State.Phase != ReviewPhase.ReturnedForRework || current.Case.ResubmissionPending)
            {
                var reason = current.Case.ResubmissionPending
                    ? "A resubmission is already waiting for its evidence."
                    : $"The case is not returned for rework (phase {current.State.Phase}).";
                return new ReviewOutcome(ReviewOutcomeKind.Refused, current.Case, current.State, [], new DecisionRejection(RejectionKind.NotAllowed, reason));
            }

            // A revision changes the plan and the chain a resubmission resumes on, nothing else (no step, timer or mail).
            IReadOnlyList<ReviewEvent> revised = [];
            if (revise is not null)
            {
                var decision = ReviewDecider.Decide(current.State, revise(current), current.Context);
                if (!decision.IsAccepted)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.Refused, current.Case, current.State, [], decision.Rejection);
                }

                revised = decision.Events;
            }

            var state = ReviewState.Evolve(current.State, revised);
            var events = revised.Select(e => new NewCaseEvent(ReviewStateJson.EventType(e), received.Actor, ReviewStateJson.EventData(e))).Prepend(received).ToList();
            var updated = current.Case with
            {
                ResubmissionPending = true,
                Review = revised.Count == 0 ? current.Case.Review : ReviewStateJson.Write(state),
                Version = current.Case.Version + events.Count,
                UpdatedAt = time.GetUtcNow(),
            };
            try
            {
                await cases.CommitAsync(new CaseTransition(updated, etag) { Events = events, AddEvidence = evidence }, ct).ConfigureAwait(false);
                return new ReviewOutcome(ReviewOutcomeKind.Applied, updated, state, revised);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>The actor of what the tenant's administrator changes (an officer's address).</summary>
    public const string AdminActor = "admin";

    /// <summary>
    /// After <paramref name="officer"/>'s e-mail address changed, mails them fresh links at it for every step waiting on
    /// them whose links went to an earlier address (a <see cref="ReissueLinks"/> transition per case, in its timeline):
    /// the cases of the tenant in review, determination or plan, paged through the case index.
    /// </summary>
    /// <remarks>
    /// Each transition is idempotent (the case records which change its links followed), so running this again — a
    /// repeated PUT, or one that completes a pass cut short — mails nothing already mailed.
    /// </remarks>
    /// <returns>How many cases mailed the officer fresh links.</returns>
    public async Task<int> ReissueLinksAsync(string tenantId, Officer officer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (officer.EmailSince is not { } since)
        {
            return 0;
        }

        var reissued = 0;
        foreach (var waiting in new[] { CaseState.InReview, CaseState.PlanInReview })
        {
            string? page = null;
            do
            {
                var (listed, next) = await cases.ListAsync(tenantId, waiting, null, page, 100, ct).ConfigureAwait(false);
                foreach (var summary in listed)
                {
                    var outcome = await ExecuteAsync(tenantId, summary.CaseId,
                        c => c.State.IsInStep ? new ReissueLinks(c.State.StepId!, c.State.Attempt, officer.Id, officer.Roles, since) : null,
                        AdminActor, null, ct).ConfigureAwait(false);
                    if (outcome.Kind == ReviewOutcomeKind.Applied && outcome.Events.Any(e => e is LinksReissued))
                    {
                        reissued++;
                    }
                }

                page = next;
            }
            while (page is not null);
        }

        return reissued;
    }

    /// <summary>The tenant's officers.</summary>
    public Task<IReadOnlyList<Officer>> OfficersAsync(string tenantId, CancellationToken ct) => tenants.ListOfficersAsync(tenantId, ct);

    /// <inheritdoc />
    public bool Owns(string key) => ReviewTimers.Owns(key);

    /// <inheritdoc />
    public async Task<TimerFiring> FireAsync(string tenantId, string caseId, string key, DateTimeOffset dueAt, CancellationToken ct) =>
        await FireTimerAsync(tenantId, caseId, key, dueAt, ct).ConfigureAwait(false) switch
        {
            null => TimerFiring.NotDue,
            { Kind: ReviewOutcomeKind.Applied } => TimerFiring.Applied,
            _ => TimerFiring.Unchanged,
        };

    /// <summary>
    /// Fires the case timer <paramref name="timerKey"/>. Null when it is not due yet (the caller waits and tries again);
    /// otherwise the outcome — unchanged when the timer was cancelled or already fired.
    /// </summary>
    public Task<ReviewOutcome?> FireTimerAsync(string tenantId, string caseId, string timerKey, CancellationToken ct) =>
        FireTimerAsync(tenantId, caseId, timerKey, null, ct);

    /// <summary>
    /// Fires the case timer <paramref name="timerKey"/> as indexed to fall due at <paramref name="indexedDueAt"/> (null: as
    /// the case lists it). A timer the case lists later than that was moved (a deadline the holiday calendar put back)
    /// and has an index entry at its new time: this firing is stale and changes nothing.
    /// </summary>
    public async Task<ReviewOutcome?> FireTimerAsync(string tenantId, string caseId, string timerKey, DateTimeOffset? indexedDueAt, CancellationToken ct)
    {
        if (ReviewTimers.CommandFor(timerKey) is not { } command)
        {
            return new ReviewOutcome(ReviewOutcomeKind.Unchanged, null, ReviewState.Initial, []);
        }

        // The case row lists its timers (kept in the same transaction as the timer rows), so the read that loads the
        // case also says whether the timer is still set and due: no read of the timer row.
        var seen = TimerSeen.Due;
        var outcome = await ExecuteAsync(tenantId, caseId, loaded =>
        {
            seen = loaded.Case.Timers is not { } timers ? TimerSeen.Unlisted
                : !timers.TryGetValue(timerKey, out var dueAt) ? TimerSeen.Gone
                : indexedDueAt < dueAt ? TimerSeen.Gone
                : loaded.Context.Now < dueAt ? TimerSeen.NotDue
                : TimerSeen.Due;
            return seen == TimerSeen.Due ? command : null;
        }, TimerActor, null, ct).ConfigureAwait(false);

        switch (seen)
        {
            case TimerSeen.Gone:
                return new ReviewOutcome(ReviewOutcomeKind.Unchanged, outcome.Case, outcome.State, []);
            case TimerSeen.NotDue:
                return null;
            case TimerSeen.Unlisted:
                return await FireListedTimerAsync(tenantId, caseId, timerKey, command, ct).ConfigureAwait(false);
        }

        return outcome.Rejection?.Kind == RejectionKind.NotDue ? null : outcome;
    }

    // A case row written before rows listed their timers: the timer row says whether the timer is set and due.
    private async Task<ReviewOutcome?> FireListedTimerAsync(string tenantId, string caseId, string timerKey, ReviewCommand command, CancellationToken ct)
    {
        var timer = await cases.GetTimerAsync(tenantId, caseId, timerKey, ct).ConfigureAwait(false);
        if (timer is null)
        {
            return new ReviewOutcome(ReviewOutcomeKind.Unchanged, null, ReviewState.Initial, []);
        }

        if (time.GetUtcNow() < timer.DueAt)
        {
            return null;
        }

        var outcome = await ExecuteAsync(tenantId, caseId, _ => command, TimerActor, null, ct).ConfigureAwait(false);
        return outcome.Rejection?.Kind == RejectionKind.NotDue ? null : outcome;
    }

    private enum TimerSeen
    {
        Due,
        NotDue,
        Gone,
        Unlisted,
    }

    private async Task<ReviewOutcome> ScreenOutAsync(string tenantId, string caseId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var read = await cases.GetAsync(tenantId, caseId, ct).ConfigureAwait(false);
            if (read is not { } found || found.Case.State != CaseState.ReadyForReview)
            {
                return new ReviewOutcome(ReviewOutcomeKind.Unchanged, read?.Case, ReviewState.Initial, []);
            }

            var now = time.GetUtcNow();
            var updated = found.Case with { State = CaseState.ScreenedOut, Version = found.Case.Version + 1, UpdatedAt = now };
            try
            {
                await cases.CommitAsync(new CaseTransition(updated, found.ETag)
                {
                    Events = [new NewCaseEvent("ScreenedOut", SystemActor, new { outcome = found.Case.Outcome })],
                }, ct).ConfigureAwait(false);
                return new ReviewOutcome(ReviewOutcomeKind.Applied, updated, ReviewState.Initial, []);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>The parcel as surveyed, as rules read it (its attributes were checked against this policy version when it was surveyed).</summary>
    private static LandRedevelopment.Screening.ScreeningInput Parcel(ParcelCase parcelCase, PolicyDocument policy) => new()
    {
        LandUse = parcelCase.LandUse,
        District = parcelCase.District,
        Zone = parcelCase.Zone,
        SurveyedOn = parcelCase.SurveyedOn,
        ParcelAreaM2 = parcelCase.AreaM2,
        Attributes = LandRedevelopment.Screening.AttributeValue.ReadAttributes(parcelCase.Attributes, policy.Attributes),
    };

    internal async Task<(LoadedCase Loaded, Azure.ETag ETag)?> LoadWithETagAsync(string tenantId, string caseId, CancellationToken ct)
    {
        var read = await cases.GetAsync(tenantId, caseId, ct).ConfigureAwait(false);
        if (read is not { } found)
        {
            return null;
        }

        var tenant = await tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Case {caseId} belongs to tenant {tenantId}, which does not exist.");
        var stored = await tenants.GetPolicyAsync(tenantId, found.Case.PolicyVersion, ct).ConfigureAwait(false);
        // A stored policy version never changes, so its parse is kept (by tenant, version and content hash): every command and timer reads it.
        var policy = _policies.GetOrAdd($"{tenantId}|{stored.Version}|{stored.Sha256}", _ => JsonSerializer.Deserialize<PolicyDocument>(stored.Json, PolicyJson.Options)
            ?? throw new InvalidOperationException($"Policy version {stored.Version} of {tenantId} is empty."));
        var calendar = await tenants.GetHolidayCalendarAsync(tenant, ct).ConfigureAwait(false);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone);
        var context = new ReviewContext(policy, stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), calendar, zone, found.Case.District, time.GetUtcNow(),
            Parcel(found.Case, policy));
        return (new LoadedCase(found.Case, ReviewStateJson.Read(found.Case.Review), context, tenant), found.ETag);
    }

    /// <summary>
    /// Relays a partition's outbox right after its commit. The commit is what counts: should storage or the relay fail
    /// now, the sweeper delivers later, so the caller still gets its answer.
    /// </summary>
    internal static async Task RelayQuietlyAsync(OutboxRelay relay, IReadOnlyList<TableEntity> written, CancellationToken ct)
    {
        try
        {
            await relay.DeliverWrittenAsync(written, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or TimeoutException)
        {
        }
    }

    /// <summary>The case state a review phase shows as.</summary>
    public static CaseState StateOf(ReviewState state, CaseState before)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase switch
        {
            ReviewPhase.AwaitingReview => before,
            ReviewPhase.InStep => CaseState.InReview,
            ReviewPhase.ReturnedForRework => CaseState.ReturnedForRework,
            ReviewPhase.Rejected => CaseState.Rejected,
            ReviewPhase.DeterminationIssued => CaseState.DeterminationIssued,
            ReviewPhase.DeterminationServed => CaseState.DeterminationServed,
            ReviewPhase.PlanInReview => CaseState.PlanInReview,
            ReviewPhase.Redevelopment => CaseState.Redevelopment,
            ReviewPhase.TransitionOver => CaseState.TransitionOver,
            ReviewPhase.Reclamation => CaseState.Reclamation,
            _ => before,
        };
    }

    private static JsonElement WithNotice(JsonElement data, string notice)
    {
        var node = System.Text.Json.Nodes.JsonObject.Create(data)!;
        node[NoticeProperty] = notice;
        return JsonSerializer.SerializeToElement(node);
    }

    private async Task DeleteNoticeQuietlyAsync(string tenantId, string notice, CancellationToken ct)
    {
        try
        {
            await cases.Container(tenantId).GetBlobClient(notice).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or TimeoutException)
        {
            // Left behind: never served, since no committed event names it.
        }
    }

    private async Task WriteNoticeAsync(LoadedCase loaded, ReviewState state, DeterminationIssued issued, string notice, CancellationToken ct)
    {
        var html = ReviewMessages.Notice(loaded, state, issued);
        var container = cases.Container(loaded.Case.TenantId);
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(html));
        await container.GetBlobClient(notice)
            .UploadAsync(content, new BlobUploadOptions { ContentType = "text/html; charset=utf-8" }, ct).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<OutboxMessage>> MailsAsync(LoadedCase loaded, ParcelCase updated, ReviewState state, IReadOnlyList<ReviewEvent> events, CancellationToken ct)
    {
        // As of the tenant read with the case: no further read of its profile.
        var officers = await tenants.ListOfficersAsync(loaded.Tenant, ct).ConfigureAwait(false);
        var needsLinks = events.Any(e => e is StepEntered or ReminderRaised or StepOverdue or OverdueReminderRaised or LinksReissued);
        var ring = needsLinks ? await tenants.GetSigningKeysAsync(loaded.Tenant, ct).ConfigureAwait(false) : null;
        var composer = new ReviewMessages(loaded, updated, state, officers, ring, options);
        return composer.For(events);
    }
}
