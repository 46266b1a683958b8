using System.Globalization;
using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Finance;
using LandRedevelopment.Functions.Cases;
using LandRedevelopment.Functions.Hosting.CustomHandler;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Payments;
using LandRedevelopment.Payments.Durable;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Payments;

public sealed record InstalmentView(int Number, string Amount, DateOnly DueOn, string Paid, string Outstanding, string Status, bool Reminded)
{
    /// <summary>The working day the due date moved to, where the tenant's holiday calendar as loaded now makes <see cref="DueOn"/> a rest day (Civil Code art. 203); null otherwise.</summary>
    public DateOnly? MovedTo { get; init; }
}

public sealed record ReceiptView(string Reference, string Amount, DateOnly ReceivedOn, DateTimeOffset RecordedAt);

public sealed record PaymentsView(
    string CaseId, string ContractId, int ContractVersion, string Status, string? AmountDue, string? Basis, bool? NoCharge, string? Explanation, string? Source,
    string? Plan, string? ScheduleSource, InstalmentConsent? InstalmentConsent, string? Transfer, DateOnly? CountedFrom, IReadOnlyList<InstalmentView> Instalments, IReadOnlyList<ReceiptView> Receipts, string Paid, string? Balance,
    IReadOnlyList<PaymentViolation> Violations, IReadOnlyList<PaymentViolation> RecordedBeforeRules, string? Error);

public sealed record ContractAccepted(string CaseId, string ContractId, int Version, string Status, string Payments);

/// <summary>
/// Land-price payments of a case: recording the contract (the schedule is computed by the queue-triggered
/// <c>ComputePayments</c> function), money received, and the schedule with each instalment's status.
/// </summary>
public static partial class PaymentsApi
{
    public static RouteGroupBuilder MapPaymentsApi(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/cases/{caseId}/contract", RecordContract).WithName("RecordContract")
            .WithSummary("Records the land-price contract of a case on the redevelopment track (a new version replaces the schedule; the same version again changes nothing). 202: the schedule is computed on the payments queue.")
            .WithDescription("Where the tenant's policy asks someone's consent for paying in instalments (`instalments.consentOf`), a contract whose schedule has more "
                + "than one instalment carries it as `instalmentConsent: { by, reference, givenOn }`: `by` the policy's `consentOf` (e.g. `city-government`), "
                + "`reference` the consent's document number (1–100 characters), `givenOn` a date yyyy-MM-dd not after `signedOn`. Without it, or with a wrong one, "
                + "the contract is refused with 422 naming the rule and the article, and nothing is recorded; a policy that asks no consent refuses one too. "
                + "Where the policy lets only some kinds of transfer pay in instalments (`instalments.onlyFor`, e.g. 克拉玛依 art. 8(1) 过渡期满办理土地使用权协议出让), "
                + "a contract whose schedule has more than one instalment states its kind as `transfer` (an `onlyFor` id, e.g. `agreement-transfer-after-transition`); "
                + "without it, or with a kind the policy does not name, the answer is 422 the same way (`$.transfer`); a policy that names no kinds refuses a `transfer`. "
                + "These rules hold for contracts posted now: a contract recorded before one of them came in is still computed, and the payments view lists what it "
                + "does not meet of them under `recordedBeforeRules`.")
            .Produces<ContractAccepted>(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        tenant.MapGet("/cases/{caseId}/payments", GetPayments).WithName("GetPayments")
            .WithSummary("The contract's payment schedule, each instalment's status, the money received and the balance; or the violations / error of a contract that could not be scheduled.")
            .WithDescription("`instalmentConsent` and `transfer` are as the contract states them. `recordedBeforeRules` lists, as violations with rule, article "
                + "and path, what a contract recorded before a rule for paying in instalments came in (the consent, the kinds of transfer) does not meet of it: "
                + "such a contract is computed as it was when recorded, not held to the later rule; empty for a contract posted under every rule.")
            .ProducesProblem(404);
        tenant.MapPost("/cases/{caseId}/payments/receipts", RecordReceipt).WithName("RecordPaymentReceipt")
            .WithSummary("Records money received against the schedule (idempotent on the reference); an instalment paid in full cancels its reminder and overdue timers.")
            .WithDescription($"A case keeps at most {CaseLimits.MaxReceipts} receipts: a further one is refused with 409 `receipts-limit` and nothing is recorded.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        return tenant;
    }

    /// <summary>The queue-triggered computation.</summary>
    public static IEndpointRouteBuilder MapPaymentTriggers(this IEndpointRouteBuilder app)
    {
        app.MapQueueTrigger("ComputePayments", "payment", ComputePayments);
        return app;
    }

    internal static async Task<Results<Accepted<ContractAccepted>, Ok<ContractAccepted>, ProblemHttpResult>> RecordContract(
        string tenant, string caseId, HttpRequest request, PaymentService payments, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        var terms = ReadContract(body, errors);
        if (terms is null)
        {
            return RequestProblems.Validation(errors, "The contract is not valid.");
        }

        var outcome = await payments.RecordContractAsync(tenant, caseId, terms, CanonicalJson.Sha256(body), ReviewApi.Actor(request), ct);
        var accepted = new ContractAccepted(caseId, terms.ContractId, terms.Version, (outcome.State?.Status ?? PaymentStatus.Queued).ToString(), $"/api/t/{tenant}/cases/{caseId}/payments");
        return outcome.Kind switch
        {
            PaymentOutcomeKind.Applied => TypedResults.Accepted(accepted.Payments, accepted),
            PaymentOutcomeKind.Unchanged => TypedResults.Ok(accepted),
            PaymentOutcomeKind.NotFound => CasesApi.CaseNotFound(caseId),
            _ => Problem(outcome),
        };
    }

    internal static async Task<Results<Ok<PaymentsView>, ProblemHttpResult>> GetPayments(string tenant, string caseId, PaymentService payments, CancellationToken ct)
    {
        var found = await payments.GetAsync(tenant, caseId, ct);
        if (found is null)
        {
            return CasesApi.CaseNotFound(caseId);
        }

        return found.Value.State is { } state
            ? TypedResults.Ok(View(caseId, state, found.Value.Case.Context.Today, found.Value.Case.Context.Calendar))
            : RequestProblems.NotFound("This case has no contract.", $"Case {caseId} has no land-price contract yet; POST it to /api/t/{tenant}/cases/{caseId}/contract.");
    }

    internal static async Task<Results<Created<PaymentsView>, Ok<PaymentsView>, ProblemHttpResult>> RecordReceipt(
        string tenant, string caseId, HttpRequest request, PaymentService payments, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadObjectAsync(request);
        if (fields is null)
        {
            return problem!;
        }

        fields.OnlyKnown("reference", "amount", "receivedOn");
        var reference = fields.String("reference", required: true, maxLength: 100, s => ReferencePattern().IsMatch(s), "1–100 letters, digits, '.', '_', ':', '/' or '-'");
        var receivedOn = fields.String("receivedOn", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
        var amount = ReadMoney(fields.Root, "amount", "$.amount", fields.Errors, required: true);
        if (amount is { } a && a <= Money.Zero)
        {
            fields.Errors.Add(new FieldError("$.amount", "must be more than zero"));
        }

        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        var receipt = new Receipt(reference!, amount!.Value, Date(receivedOn!), default);
        var outcome = await payments.RecordReceiptAsync(tenant, caseId, receipt, ReviewApi.Actor(request), ct);
        switch (outcome.Kind)
        {
            case PaymentOutcomeKind.Applied:
                return TypedResults.Created($"/api/t/{tenant}/cases/{caseId}/payments", await CurrentAsync(tenant, caseId, payments, ct));
            case PaymentOutcomeKind.Unchanged:
                return TypedResults.Ok(await CurrentAsync(tenant, caseId, payments, ct));
            case PaymentOutcomeKind.NotFound:
                return CasesApi.CaseNotFound(caseId);
            default:
                return Problem(outcome);
        }
    }

    internal static async Task<InvocationResult> ComputePayments(QueueTriggerInvocation invocation, HttpContext http)
    {
        PaymentMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<PaymentMessage>(invocation.MessageText, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || string.IsNullOrEmpty(message.TenantId) || string.IsNullOrEmpty(message.CaseId) || string.IsNullOrEmpty(message.ContractId))
        {
            // Unreadable: it fails every try, and after the fifth the host moves it to payments-poison.
            throw new InvalidOperationException($"Payments message {invocation.MessageId} is not a payment computation: {invocation.MessageText}");
        }

        var payments = http.RequestServices.GetRequiredService<PaymentService>();
        try
        {
            var outcome = await payments.ComputeAsync(message, http.RequestAborted);
            return new InvocationResult { Logs = [$"Payments of {message.TenantId}/{message.CaseId} contract {message.ContractId} v{message.Version}: {outcome.Kind} ({outcome.State?.Status})."] };
        }
        catch (Exception e) when (e is not OperationCanceledException && invocation.DequeueCount >= MaxDequeueCount(http))
        {
            // The last try: the message goes to payments-poison, and the case says why, so nothing disappears silently.
            await payments.RecordFailureAsync(message, e.Message, http.RequestAborted);
            throw;
        }
    }

    // host.json's maxDequeueCount: the try after which the host moves the message to the poison queue.
    private static long MaxDequeueCount(HttpContext http) =>
        LandRedevelopment.Functions.Hosting.Local.QueueTriggerSettings.Load(http.RequestServices.GetRequiredService<IWebHostEnvironment>().ContentRootPath).MaxDequeueCount;

    private static async Task<PaymentsView> CurrentAsync(string tenant, string caseId, PaymentService payments, CancellationToken ct)
    {
        var found = (await payments.GetAsync(tenant, caseId, ct))!.Value;
        return View(caseId, found.State!, found.Case.Context.Today, found.Case.Context.Calendar);
    }

    internal static PaymentsView View(string caseId, PaymentState state, DateOnly today, LandRedevelopment.Calendars.HolidayCalendar calendar)
    {
        var schedule = state.Schedule;
        var paid = state.PaidPerInstalment();
        var instalments = (schedule?.Instalments ?? []).Select((i, n) =>
        {
            var outstanding = i.Amount - paid[n];
            var dueBy = calendar.NextWorkingDayOnOrAfter(i.DueOn);
            var status = outstanding == Money.Zero ? "paid"
                : state.Overdue.Contains(i.Number) || today > dueBy ? "overdue"
                : paid[n] > Money.Zero ? "partiallyPaid"
                : "pending";
            return new InstalmentView(i.Number, i.Amount.ToPlain(), i.DueOn, paid[n].ToPlain(), outstanding.ToPlain(), status, state.Reminded.Contains(i.Number))
            {
                MovedTo = dueBy == i.DueOn ? null : dueBy,
            };
        }).ToList();
        return new PaymentsView(caseId, state.Contract.ContractId, state.Contract.Version, Camel(state.Status.ToString()),
            schedule?.Due.Amount.ToPlain(), schedule?.Due.Basis, schedule?.Due.NoCharge, schedule?.Due.Explanation, schedule?.Due.Source,
            schedule is null ? null : Camel(schedule.Plan.ToString()), schedule?.Source, state.Contract.InstalmentConsent, state.Contract.Transfer, schedule?.CountedFrom, instalments,
            state.Receipts.Select(r => new ReceiptView(r.Reference, r.Amount.ToPlain(), r.ReceivedOn, r.RecordedAt)).ToList(),
            state.Paid.ToPlain(), schedule is null ? null : state.Balance.ToPlain(), state.Violations, state.RecordedBeforeRules, state.Error);
    }

    private static ProblemHttpResult Problem(PaymentOutcome outcome) => outcome switch
    {
        { Kind: PaymentOutcomeKind.Invalid, Violations: { Count: > 0 } violations } => RulesBroken(violations),
        { Kind: PaymentOutcomeKind.Invalid } => RequestProblems.Validation("$." + (outcome.Field ?? ""), outcome.Reason ?? "is not valid"),
        { Limit: { } rule } => RequestProblems.Limit(rule, "$." + outcome.Field, outcome.Reason ?? rule),
        _ => TypedResults.Problem(statusCode: 409, type: RequestProblems.TypeBase + "payments-state", title: "The case cannot take this now.", detail: outcome.Reason,
            extensions: outcome.Field is null ? null : new Dictionary<string, object?> { ["errors"] = new[] { new FieldError("$." + outcome.Field, outcome.Reason ?? "") } }),
    };

    // A well-formed contract that breaks a rule of the policy it must meet before it is recorded: each error names the
    // field, and the violations (as the payments view shows them) the rule and its article.
    private static ProblemHttpResult RulesBroken(IReadOnlyList<PaymentViolation> violations) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, type: RequestProblems.TypeBase + "payment-rules",
            title: "The contract breaks the policy's payment rules; nothing was recorded.",
            detail: string.Join("; ", violations.Select(v => $"{v.Path}: {v.Message} ({v.Source})")),
            extensions: new Dictionary<string, object?> { ["errors"] = violations.Select(v => new FieldError(v.Path, v.Message)).ToList(), ["violations"] = violations });

    private static ContractTerms? ReadContract(JsonElement body, List<FieldError> errors)
    {
        var fields = new JsonFields(body);
        if (!fields.IsObject)
        {
            errors.AddRange(fields.Errors);
            return null;
        }

        fields.OnlyKnown("contractId", "version", "signedOn", "effectiveOn", "priceBasis", "appraisals", "changeOfUse", "noChargeCase", "requestedPlan", "instalmentConsent", "transfer");
        var contractId = fields.String("contractId", required: true, maxLength: 64, s => ReferencePattern().IsMatch(s), "1–64 letters, digits, '.', '_', ':', '/' or '-'");
        var version = fields.Number("version", required: true, 1, 10_000);
        if (version is { } v && v != Math.Floor(v))
        {
            fields.Errors.Add(new FieldError("$.version", "must be a whole number"));
        }

        var signedOn = fields.String("signedOn", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
        var effectiveOn = fields.String("effectiveOn", required: false, maxLength: 10, IsDate, "a date yyyy-MM-dd");
        var priceBasis = fields.String("priceBasis", required: false, maxLength: 64);
        var noCharge = fields.String("noChargeCase", required: false, maxLength: 64);
        var transfer = fields.String("transfer", required: false, maxLength: 64);
        if (priceBasis is null && noCharge is null && !fields.Errors.Any(e => e.Path is "$.priceBasis" or "$.noChargeCase"))
        {
            fields.Errors.Add(new FieldError("$.priceBasis", "is required unless the contract claims a no-charge case (noChargeCase)"));
        }

        Appraisal? newConditions = null, original = null, posted = null;
        if (fields.Object("appraisals", required: false) is { } appraisals)
        {
            var inner = new JsonFields(appraisals, "$.appraisals");
            inner.OnlyKnown("newConditions", "originalConditions", "postedPrice");
            newConditions = ReadAppraisal(appraisals, "newConditions", inner.Errors);
            original = ReadAppraisal(appraisals, "originalConditions", inner.Errors);
            posted = ReadAppraisal(appraisals, "postedPrice", inner.Errors);
            fields.Errors.AddRange(inner.Errors);
        }

        string? from = null, to = null;
        if (fields.Object("changeOfUse", required: false) is { } change)
        {
            var inner = new JsonFields(change, "$.changeOfUse");
            inner.OnlyKnown("from", "to");
            from = inner.String("from", required: true, maxLength: 64);
            to = inner.String("to", required: true, maxLength: 64);
            fields.Errors.AddRange(inner.Errors);
        }

        var plan = ReadPlan(body, fields.Errors);
        InstalmentConsent? consent = null;
        if (fields.Object("instalmentConsent", required: false) is { } given)
        {
            var inner = new JsonFields(given, "$.instalmentConsent");
            inner.OnlyKnown("by", "reference", "givenOn");
            var by = inner.String("by", required: true, maxLength: 64);
            var reference = inner.String("reference", required: true, maxLength: 100, s => !s.Any(char.IsControl), "1–100 characters without control characters");
            var givenOn = inner.String("givenOn", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
            fields.Errors.AddRange(inner.Errors);
            consent = inner.Errors.Count == 0 ? new InstalmentConsent(by!, reference!, Date(givenOn!)) : null;
        }

        if (signedOn is not null && effectiveOn is not null && Date(effectiveOn) < Date(signedOn))
        {
            fields.Errors.Add(new FieldError("$.effectiveOn", "must not be before signedOn"));
        }

        errors.AddRange(fields.Errors);
        if (errors.Count > 0)
        {
            return null;
        }

        return new ContractTerms
        {
            ContractId = contractId!,
            Version = (int)version!.Value,
            SignedOn = Date(signedOn!),
            EffectiveOn = effectiveOn is null ? null : Date(effectiveOn),
            PriceBasis = priceBasis,
            NoChargeCase = noCharge,
            NewConditions = newConditions,
            OriginalConditions = original,
            PostedPrice = posted,
            ChangeOfUseFrom = from,
            ChangeOfUseTo = to,
            RequestedPlan = plan,
            InstalmentConsent = consent,
            Transfer = transfer,
        };
    }

    private static Appraisal? ReadAppraisal(JsonElement appraisals, string name, List<FieldError> errors)
    {
        if (!appraisals.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var path = "$.appraisals." + name;
        var fields = new JsonFields(element, path);
        if (!fields.IsObject)
        {
            errors.AddRange(fields.Errors);
            return null;
        }

        fields.OnlyKnown("amount", "valuationDate");
        var amount = ReadMoney(element, "amount", path + ".amount", fields.Errors, required: true);
        if (amount is { } a && a < Money.Zero)
        {
            fields.Errors.Add(new FieldError(path + ".amount", "must not be negative"));
        }

        var date = fields.String("valuationDate", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
        errors.AddRange(fields.Errors);
        return fields.Errors.Count == 0 ? new Appraisal(amount!.Value, Date(date!)) : null;
    }

    private static List<RequestedInstalment>? ReadPlan(JsonElement body, List<FieldError> errors)
    {
        if (!body.TryGetProperty("requestedPlan", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > 60)
        {
            errors.Add(new FieldError("$.requestedPlan", "must be an array of 1 to 60 instalments"));
            return null;
        }

        var plan = new List<RequestedInstalment>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"$.requestedPlan[{i++}]";
            var fields = new JsonFields(item, path);
            if (!fields.IsObject)
            {
                errors.AddRange(fields.Errors);
                continue;
            }

            fields.OnlyKnown("amount", "dueOn");
            var amount = ReadMoney(item, "amount", path + ".amount", fields.Errors, required: true);
            var dueOn = fields.String("dueOn", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
            errors.AddRange(fields.Errors);
            if (fields.Errors.Count == 0)
            {
                plan.Add(new RequestedInstalment(amount!.Value, Date(dueOn!)));
            }
        }

        return plan;
    }

    /// <summary>Money as a string of yuan ("1234.56") or a JSON number, kept to the fen.</summary>
    private static Money? ReadMoney(JsonElement parent, string name, string path, List<FieldError> errors, bool required)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "is required"));
            }

            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (text is not null && text.Length <= 40 && Money.TryParse(text, out var money))
        {
            return money;
        }

        errors.Add(new FieldError(path, "must be an amount in yuan kept to the fen, e.g. \"1234.56\""));
        return null;
    }

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool IsDate(string s) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._:/-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex ReferencePattern();
}
