using System.Collections.Immutable;
using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Payments;
using LandRedevelopment.Payments.Durable;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Shared.Tests.Outbox;
using LandRedevelopment.Shared.Tests.Review.Durable;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Cases;

/// <summary>
/// A case row at every limit of <see cref="CaseLimits"/> stays inside Table storage's 1 MiB, and a write storage refuses
/// for its size anyway fails as <see cref="CaseRecordLimitException"/> and leaves the case as it was.
/// </summary>
[Collection(DurableStorageCollection.Name)]
public class CaseLimitsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset At = ReviewWorld.Start;

    // Every free text at its longest, in characters JSON escapes (\uXXXX: six characters each), so the worst case.
    private static string Text(int length) => new('中', length);

    private static string Id(int length, char c = 'x') => new(c, length);

    /// <summary>The review state at its limits: every round of the longest chain decided, the comments' whole allowance, the plan's documents.</summary>
    internal static ReviewState ReviewAtLimits()
    {
        var rounds = CaseLimits.MaxReworkReturns + CaseLimits.MaxPlans + 1;
        var decisions = Enumerable.Range(0, rounds * CaseLimits.MaxChainSteps)
            .Select(i => new RecordedDecision(ReviewTrack.Determination, Id(64), i + 1, Id(64), At, DecisionAction.Approve, null))
            .ToList();
        var full = CaseLimits.MaxCommentCharacters / 2_000;
        for (var i = 0; i < full; i++)
        {
            decisions[i] = decisions[i] with { Comment = Text(2_000) };
        }

        var visits = Enumerable.Range(0, (CaseLimits.MaxPlans + 1) * CaseLimits.MaxChainSteps)
            .ToImmutableDictionary(i => Id(60) + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), i => rounds, StringComparer.Ordinal);
        var documents = Enumerable.Range(0, CaseLimits.MaxPlanDocuments)
            .Select(i => new PlanDocument(Id(60) + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), Enumerable.Range(0, 10).Select(_ => Text(100)).ToList()))
            .ToList();
        return ReviewState.Initial with
        {
            Phase = ReviewPhase.PlanInReview,
            PolicyVersion = Id(64),
            ChainId = Id(64),
            StepId = Id(64),
            StepRole = Text(100),
            StepDueAt = At,
            StepRemindAt = At,
            LinksMailedAt = At,
            Decisions = [.. decisions],
            Visits = visits,
            // Officers of the step's role mailed fresh links after an address change: the directory's, taken as 50 here.
            LinksReissued = Enumerable.Range(0, 50).ToImmutableDictionary(i => Id(60) + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), _ => At, StringComparer.Ordinal),
            Plan = new PlanFacts(Id(64), Id(64), documents, true),
            DeterminationIssuedAt = At,
            ServedOn = new DateOnly(2026, 3, 2),
            PlanDeadlineLastDay = new DateOnly(2026, 9, 2),
            PlanDeadlineAt = At,
            TransitionEndsOn = new DateOnly(2031, 3, 2),
            TransitionEndsAt = At,
            ReclamationReason = Text(200),
            PlanDeadlineLapsedAt = At,
        };
    }

    /// <summary>
    /// The payments at their limits: a 60-instalment contract rejected with four violations per instalment (a rejected
    /// contract has no schedule, and the violations outweigh one), every receipt the case keeps, and the longest error.
    /// </summary>
    internal static PaymentState PaymentsAtLimits()
    {
        var plan = Enumerable.Range(1, 60).Select(i => new RequestedInstalment(Money.FromFen(99_999_999_999_99), new DateOnly(2026, 1, 1).AddDays(i))).ToList();
        var contract = new ContractTerms
        {
            ContractId = Id(64), Version = 10_000, SignedOn = new DateOnly(2026, 1, 1), EffectiveOn = new DateOnly(2026, 1, 2), PriceBasis = Id(64),
            NewConditions = new Appraisal(Money.FromFen(99_999_999_999_99), new DateOnly(2026, 1, 1)),
            OriginalConditions = new Appraisal(Money.FromFen(99_999_999_999_99), new DateOnly(2026, 1, 1)),
            PostedPrice = new Appraisal(Money.FromFen(99_999_999_999_99), new DateOnly(2026, 1, 1)),
            ChangeOfUseFrom = Id(64), ChangeOfUseTo = Id(64), NoChargeCase = Id(64), RequestedPlan = plan,
            InstalmentConsent = new InstalmentConsent(Id(64), Text(100), new DateOnly(2026, 1, 1)),
        };
        return new PaymentState
        {
            Contract = contract,
            ContractHash = Id(64, 'a'),
            Status = PaymentStatus.Rejected,
            Violations = Enumerable.Range(0, 4 * 60).Select(i => new PaymentViolation(Id(24), Id(120), Text(10) + Id(10), $"$.requestedPlan[{i % 60}].amount")).ToList(),
            Error = Text(CaseLimits.MaxPaymentErrorLength + 1),
            Receipts = [.. Enumerable.Range(0, CaseLimits.MaxReceipts).Select(i => new Receipt(Id(100), Money.FromFen(99_999_999_999_99), new DateOnly(2026, 1, 1), At))],
            Reminded = [.. Enumerable.Range(1, 60)],
            Overdue = [.. Enumerable.Range(1, 60)],
        };
    }

    [Fact]
    public void A_case_row_at_every_limit_stays_well_inside_the_1_MiB_storage_keeps()
    {
        // The survey, as the policy shapes it: 20 string attributes of 256 characters (the built-in policies read about a
        // dozen, most of them flags and numbers), a screening reporting 30 rules with their values and articles, the
        // listed overlaps.
        var attributes = JsonSerializer.SerializeToElement(Enumerable.Range(0, 20).ToDictionary(i => "attribute" + i, _ => Text(256)));
        var screening = JsonSerializer.SerializeToElement(new
        {
            result = Enumerable.Range(0, 30).Select(i => new { rule = Id(64), outcome = "met", values = Text(100), source = Text(60), description = Text(80) }),
            flags = Enumerable.Range(0, CaseLimits.MaxOverlappingCases + 1).Select(_ => Id(80)),
            overlaps = Enumerable.Range(0, CaseLimits.MaxOverlappingCases).Select(_ => new { caseId = Id(21), areaM2 = 123456.789m }),
            overlapsNotListed = 12345,
        });
        var review = ReviewStateJson.Write(ReviewAtLimits());
        var payments = PaymentsAtLimits().Write();
        var timers = Enumerable.Range(0, 2 * 60).Select(i => "timer-pay-10000-remind-" + i).Concat(Enumerable.Range(0, 10).Select(i => "timer-review-" + Id(64) + i))
            .ToDictionary(k => k, _ => At);
        var parcelCase = ReviewWorld.NewCase(Id(21), CaseState.PlanInReview, At) with
        {
            TenantId = Id(32),
            SubmissionId = Id(100),
            LandCode = Id(64),
            District = Text(64),
            Zone = Text(64),
            LandUse = Id(64),
            Surveyor = Text(100),
            DeclaredAreaM2 = 99_999_999.99m,
            OverlappingCases = Enumerable.Range(0, CaseLimits.MaxOverlappingCases).Select(_ => Id(21)).ToList(),
            OverlappingCasesNotListed = 12345,
            Attributes = attributes,
            Screening = screening,
            DeterminationChain = Id(64),
            Review = review,
            Payments = payments,
            Timers = timers,
            Evidence = new EvidenceTally(50, 50),
        };

        var entity = CaseStore.CaseEntity(parcelCase);
        var bytes = CaseLimits.EntityBytes(entity);

        // Each part within its share, and the whole row with a quarter of the storage limit to spare.
        Assert.True(review.Length * 2 < 340 * 1024, $"review state {review.Length * 2} bytes");
        Assert.True(payments.Length * 2 < 300 * 1024, $"payments {payments.Length * 2} bytes");
        Assert.True(bytes < CaseLimits.MaxEntityBytes * 3 / 4, $"the case row at every limit is {bytes} bytes");
        Assert.True(CaseLimits.Properties(entity).Count() < CaseLimits.MaxEntityProperties);
        Assert.All(CaseLimits.Properties(entity), p => Assert.True(p.Value is not string s || s.Length <= 32 * 1024, $"{p.Key} is {(p.Value as string)?.Length} characters"));
    }

    [Fact]
    public void A_count_past_a_limit_would_outgrow_the_row_so_the_limits_are_what_keep_it_inside()
    {
        // Without the receipts limit, money paid a fen at a time: twenty times the limit is past 1 MiB of payments alone.
        var unbounded = PaymentsAtLimits() with
        {
            Receipts = [.. Enumerable.Range(0, 20 * CaseLimits.MaxReceipts).Select(i => new Receipt(Id(100), Money.FromFen(1), new DateOnly(2026, 1, 1), At))],
        };
        Assert.True(unbounded.Write().Length * 2 > CaseLimits.MaxEntityBytes);
    }

    /// <summary>A declared file with the longest name the API takes, in characters JSON escapes.</summary>
    private static EvidenceFile Declared(int i) =>
        new(Text(LandRedevelopment.Evidence.EvidenceNames.MaxLength - 8) + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + ".pdf",
            Id(64, 'a'), 512L * 1024 * 1024, "application/pdf", EvidenceStatus.Pending, null, null, null);

    [Fact]
    public async Task The_most_files_a_policy_may_allow_are_written_with_their_case_in_one_transaction_and_one_more_row_each_would_not_fit()
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);
        await store.EnsureCreatedAsync();

        // A survey declaring the most files: the case row, the parcel fence, its events (two more than a survey writes) and
        // a row per file.
        var caseId = AzuriteFixture.UniqueName("c");
        var files = Enumerable.Range(0, CaseLimits.MaxDeclaredFiles).Select(Declared).ToList();
        var events = Enumerable.Range(0, 3).Select(i => ("Created", (object)new { detail = Text(500) })).ToList();
        Assert.True(await store.CreateAsync(ReviewWorld.NewCase(caseId, CaseState.AwaitingEvidence, At, version: 3), files, events, ReviewWorld.Geometry, CancellationToken.None));
        Assert.Equal(CaseLimits.MaxDeclaredFiles, (await store.GetEvidenceAsync(ReviewWorld.TenantId, caseId, CancellationToken.None)).Count);

        // A resubmission naming as many new files, with its events, a signal and timers set and cancelled as a transition
        // of the review may.
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, CancellationToken.None))!.Value;
        var more = Enumerable.Range(CaseLimits.MaxDeclaredFiles, CaseLimits.MaxDeclaredFiles).Select(Declared).ToList();
        var resubmission = new CaseTransition(read with { Version = 8 }, etag)
        {
            Events = Enumerable.Range(0, 5).Select(i => new NewCaseEvent("Resubmitted", "field-app", new { detail = Text(500) })).ToList(),
            AddEvidence = more,
            SetTimers = Enumerable.Range(0, 6).Select(i => new CaseTimer("timer-review-" + Id(64) + i, At)).ToList(),
        };
        await store.CommitAsync(resubmission, CancellationToken.None);
        Assert.Equal(2 * CaseLimits.MaxDeclaredFiles, (await store.GetEvidenceAsync(ReviewWorld.TenantId, caseId, CancellationToken.None)).Count);

        // Were a policy to allow as many files as a transaction has rows, no survey declaring them could be written.
        var tooMany = Enumerable.Range(0, CaseLimits.MaxTransactionEntities).Select(Declared).ToList();
        var refused = await Assert.ThrowsAsync<CaseRecordLimitException>(() =>
            store.CreateAsync(ReviewWorld.NewCase(AzuriteFixture.UniqueName("c"), CaseState.AwaitingEvidence, At, version: 1), tooMany, [("Created", (object)new { })], ReviewWorld.Geometry, CancellationToken.None));
        Assert.Equal("transaction", refused.Limit);
    }

    [Fact]
    public async Task A_transition_mailing_more_officers_than_a_transaction_has_rows_is_written_and_every_mail_goes_in_order()
    {
        var (store, caseId, _) = await NewCaseAsync();
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, CancellationToken.None))!.Value;

        // A notice to every officer of the roles it goes to, in a city of 150 (a row each would be past the 100 a transaction
        // holds), each a decision request's length of Chinese. Sent to storage, JSON writes each such character as \uXXXX:
        // the transaction's body, 4 MiB at most, is what bounds a transition's mails now.
        var specs = Enumerable.Range(0, 150).Select(i => new LandRedevelopment.Mail.MailMessageSpec(null,
            [new LandRedevelopment.Mail.Mailbox($"officer{i}@example.test", Text(10))], Text(60), Text(1_000), Text(1_500),
            LandRedevelopment.Mail.MailMessageSpec.StableMessageId($"{caseId}/{i}", "review.land-redevelopment.local"))).ToList();
        var transition = new CaseTransition(read with { Version = 2 }, etag)
        {
            Events = [new NewCaseEvent("DeterminationIssued", "officer", new { })],
            Outbox = [.. specs.Select(LandRedevelopment.Outbox.OutboxMessage.Mail)],
        };

        var written = await store.CommitAsync(transition, CancellationToken.None);

        Assert.InRange(written.Count, 1, 10);
        var sender = new RecordingMailSender();
        var relay = new LandRedevelopment.Outbox.OutboxRelay(_storage.Tables.GetTableClient("cases"), _storage.Base64Queues,
            await _storage.NewTimerIndexAsync(new TestClock(At)), sender, TimeProvider.System);
        var report = await relay.DeliverWrittenAsync(written, CancellationToken.None);
        Assert.Empty(report.Failures);
        Assert.Equal(specs.Select(s => s.MessageId), sender.Sent.Select(m => m.MessageId));
        Assert.Equal(specs[149].HtmlBody, sender.Sent.Last().HtmlBody);
    }

    private readonly DurableStorage _storage = new(azurite);

    private async Task<(CaseStore Store, string CaseId, string Before)> NewCaseAsync()
    {
        var store = new CaseStore(_storage.Tables, _storage.Blobs, TimeProvider.System);
        await store.EnsureCreatedAsync();
        var caseId = AzuriteFixture.UniqueName("c");
        Assert.True(await store.CreateAsync(ReviewWorld.NewCase(caseId, CaseState.ReadyForReview, At, version: 1), [], [("Created", (object)new { })], ReviewWorld.Geometry, CancellationToken.None));
        return (store, caseId, await PartitionAsync(caseId));
    }

    private async Task<string> PartitionAsync(string caseId) =>
        string.Join("\n", (await DurableStorage.RowsAsync(_storage.Tables.GetTableClient("cases"), CaseStore.PartitionOf(ReviewWorld.TenantId, caseId), ""))
            .Select(r => $"{r.RowKey}@{r.ETag}").Order(StringComparer.Ordinal));

    [Fact]
    public async Task A_row_storage_refuses_for_its_size_fails_as_a_case_record_limit_and_writes_nothing()
    {
        var (store, caseId, before) = await NewCaseAsync();
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, CancellationToken.None))!.Value;

        // A path no limit foresaw: the timers kept on the row, one property, past the 64 KiB storage keeps in one (Azurite
        // answers PropertyValueTooLarge, as Azure does). The row as a whole is well under 1 MiB, so only storage can tell.
        var timers = Enumerable.Range(0, 2_000).ToDictionary(i => $"timer-{i:D5}", _ => At);
        var transition = new CaseTransition(read with { Version = 2, Timers = timers }, etag) { Events = [new NewCaseEvent("Grown", "system", new { })] };
        Assert.True(CaseLimits.EntityBytes(CaseStore.CaseEntity(transition.Updated)) < CaseLimits.MaxEntityBytes);

        var refused = await Assert.ThrowsAsync<CaseRecordLimitException>(() => store.CommitAsync(transition, CancellationToken.None));
        Assert.Equal("PropertyValueTooLarge", refused.Limit);
        Assert.Equal(caseId, refused.CaseId);
        Assert.IsAssignableFrom<Azure.RequestFailedException>(refused.InnerException);
        Assert.Equal(before, await PartitionAsync(caseId));
    }

    [Fact]
    public async Task A_row_past_1_MiB_or_a_transaction_past_100_rows_is_refused_before_it_is_sent()
    {
        var (store, caseId, before) = await NewCaseAsync();
        var (read, etag) = (await store.GetAsync(ReviewWorld.TenantId, caseId, CancellationToken.None))!.Value;

        var huge = new CaseTransition(read with { Version = 2, Review = Text(600_000) }, etag) { Events = [new NewCaseEvent("Grown", "system", new { })] };
        Assert.Equal("row", (await Assert.ThrowsAsync<CaseRecordLimitException>(() => store.CommitAsync(huge, CancellationToken.None))).Limit);

        var many = new CaseTransition(read with { Version = 101 }, etag) { Events = Enumerable.Range(0, 100).Select(i => new NewCaseEvent("Many", "system", new { i })).ToList() };
        Assert.Equal("transaction", (await Assert.ThrowsAsync<CaseRecordLimitException>(() => store.CommitAsync(many, CancellationToken.None))).Limit);

        Assert.Equal(before, await PartitionAsync(caseId));
    }
}
