using System.Globalization;
using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Functions.Tenants;
using LandRedevelopment.Policies;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Screening;
using LandRedevelopment.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Cases;

public sealed record TimelineView(string CaseId, IReadOnlyList<CaseEvent> Events);

/// <summary>
/// The tenant's side of the review: the audit trail, the written determination, recording its service, the land
/// user's plan and its documents, and resubmitting a case returned for rework. Officers decide through e-mailed
/// links (<see cref="LandRedevelopment.Functions.Review.ReviewLinksApi"/>).
/// </summary>
public static partial class ReviewApi
{
    public static RouteGroupBuilder MapReviewApi(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/cases/{caseId}/timeline", Timeline).WithName("GetCaseTimeline")
            .WithSummary("Every event of the case, oldest first, with who caused it and when: the immutable audit trail.").ProducesProblem(404);
        tenant.MapGet("/cases/{caseId}/determination-notice", Notice).WithName("GetDeterminationNotice")
            .WithSummary("The written determination (低效用地认定书, HTML) once the review has issued it.")
            .Produces(200, contentType: "text/html").ProducesProblem(404);
        tenant.MapPost("/cases/{caseId}/service", Serve).WithName("RecordService")
            .WithSummary("Records the day the determination was served in writing; the plan deadline runs from it.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        tenant.MapPost("/cases/{caseId}/plan", SubmitPlan).WithName("SubmitPlan")
            .WithSummary("Records the land user's redevelopment plan (idempotent on submissionId); its documents are declared as evidence and uploaded like survey evidence. The facts the policy asks every plan to state (review.planAttributes) go in its attributes object. A plan that breaks a strict condition of the policy (review.planConditions) is refused with 422 plan-condition; one that departs from a condition the policy states only in principle is taken, the departure recorded with it. The plan enters the policy's plan review chain.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        tenant.MapPost("/cases/{caseId}/plan/documents", RecordPlanDocument).WithName("RecordPlanDocument")
            .WithSummary("Records a plan document's review, e.g. which bureaus approved the soil-pollution survey or that it failed.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        tenant.MapPost("/cases/{caseId}/resubmission", Resubmit).WithName("ResubmitCase")
            .WithSummary("Resubmits a case returned for rework (idempotent on submissionId). With new evidence declared, the review resumes once it is all uploaded; without, at once — at the step that returned it. A returned plan may come with a revised `plan` (its facts restated; documents stay on file): when the revised facts choose another plan chain, the review starts that chain. The policy's plan conditions read the revised facts as they read a plan's (422 plan-condition naming $.plan.attributes…).")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        return tenant;
    }

    internal static async Task<Results<Ok<TimelineView>, ProblemHttpResult>> Timeline(string tenant, string caseId, CaseStore cases, CancellationToken ct)
    {
        if (await cases.GetAsync(tenant, caseId, ct) is null)
        {
            return CasesApi.CaseNotFound(caseId);
        }

        return TypedResults.Ok(new TimelineView(caseId, await cases.GetEventsAsync(tenant, caseId, ct)));
    }

    internal static async Task<IResult> Notice(string tenant, string caseId, CaseStore cases, ReviewService review, CancellationToken ct)
    {
        if (await cases.GetAsync(tenant, caseId, ct) is null)
        {
            return CasesApi.CaseNotFound(caseId);
        }

        // Only the notice the committed DeterminationIssued event names: never one written by a decision that lost its commit.
        return await review.ReadNoticeAsync(tenant, caseId, ct) is { } html
            ? Results.Text(html, "text/html; charset=utf-8")
            : RequestProblems.NotFound("No determination has been issued for this case.", $"Case {caseId} has no written determination yet.");
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Serve(string tenant, string caseId, HttpRequest request, ReviewService review, CaseStore cases, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadObjectAsync(request);
        if (fields is null)
        {
            return problem!;
        }

        fields.OnlyKnown("servedOn", "method", "recipient");
        var servedText = fields.String("servedOn", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
        var method = fields.String("method", required: false, maxLength: 64);
        var recipient = fields.String("recipient", required: false, maxLength: 200);
        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        var servedOn = DateOnly.ParseExact(servedText!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var outcome = await review.ExecuteAsync(tenant, caseId, _ => new DeterminationServed(servedOn), Actor(request), null, ct);
        return await RespondAsync(tenant, caseId, outcome, review, cases, "$.servedOn", ct);
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> SubmitPlan(string tenant, string caseId, HttpRequest request, ReviewService review, CaseStore cases, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var loaded = await review.LoadAsync(tenant, caseId, ct);
        if (loaded is null)
        {
            return CasesApi.CaseNotFound(caseId);
        }

        var policy = loaded.Context.Policy;
        var fields = new JsonFields(body);
        if (!fields.IsObject)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        fields.OnlyKnown([.. PlanFactNames, "submissionId", "documents"]);
        var submissionId = fields.String("submissionId", required: true, maxLength: 100, SurveysApi.IsSubmissionId, SurveysApi.SubmissionIdRule);
        var (newLandUse, greenChannel, summary, attributes) = ReadPlanFacts(fields, policy);
        var documents = SurveysApi.ReadEvidence(body, policy, fields.Errors, "documents", allowKind: true);
        var key = $"{caseId}|plan|{submissionId}";
        if (await ClaimAsync(tenant, caseId, key, "PlanReceived", submissionId, body, documents.Select(d => d.Name), "$.documents", fields, review, cases, ct) is { } answered)
        {
            return answered;
        }

        var amendment = new CaseAmendment
        {
            AddEvidence = documents.Select(d => new EvidenceFile(d.Name, d.Sha256, d.Size, d.ContentType, EvidenceStatus.Pending, null, null, null)).ToList(),
            Events = [new NewCaseEvent("PlanReceived", Actor(request), new { submissionId, newLandUse, greenChannel, summary, documents = documents.Select(d => new { d.Name, d.Kind }), attributes })],
        };
        var outcome = await ClaimedAsync(tenant, caseId, key, "PlanReceived", submissionId!, cases, () => review.ExecuteAsync(tenant, caseId, c =>
        {
            var facts = new PlanFacts(c.Case.LandUse, newLandUse!, documents.Where(d => d.Kind is not null).Select(d => d.Kind!).Distinct(StringComparer.Ordinal).Select(kind => new PlanDocument(kind, [])).ToList(), greenChannel ?? false,
                attributes.Count == 0 ? null : attributes);
            var chain = ReviewChainSelector.Select(c.Context.Policy.Review.PlanChains, facts.ToRuleInput(c.Case.District, c.Context.Today));
            return new PlanSubmitted(facts, chain.Id);
        }, Actor(request), amendment, ct), ct);

        return await RespondAsync(tenant, caseId, outcome, review, cases, "$", ct);
    }

    /// <summary>The members of a plan's facts: a plan's body, and a resubmission's revised <c>plan</c>.</summary>
    private static readonly string[] PlanFactNames = ["newLandUse", "greenChannel", "summary", "attributes"];

    /// <summary>A plan's facts, read from <paramref name="fields"/> (a plan's body, or a resubmission's <c>plan</c>).</summary>
    private static (string? NewLandUse, bool? GreenChannel, string? Summary, Dictionary<string, AttributeValue> Attributes) ReadPlanFacts(JsonFields fields, PolicyDocument policy)
    {
        var newLandUse = fields.String("newLandUse", required: true, maxLength: 64, code => policy.LandUses.Any(u => u.Code == code),
            "one of the policy's land-use codes: " + string.Join(", ", policy.LandUses.Select(u => u.Code)));
        var greenChannel = Boolean(fields, "greenChannel");
        var summary = fields.String("summary", required: false, maxLength: 2000);
        return (newLandUse, greenChannel, summary, PlanAttributes(fields, policy));
    }

    /// <summary>
    /// The plan's <c>attributes</c>: every fact the policy's <c>review.planAttributes</c> names, each required (a plan
    /// gate must not pass for want of a fact, e.g. 中卫 section 5(2)'s consent of the original land user), and no other.
    /// </summary>
    private static Dictionary<string, AttributeValue> PlanAttributes(JsonFields fields, PolicyDocument policy)
    {
        var declared = policy.Review.PlanAttributes;
        var path = fields.Path + ".attributes";
        var errors = fields.Errors;
        var read = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        if (fields.Root.TryGetProperty("attributes", out var values) && values.ValueKind != JsonValueKind.Null)
        {
            if (values.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError(path, "must be an object of the plan facts the policy asks for"));
                return read;
            }

            read = ScreeningApi.ReadAttributes(values, declared, path, errors,
                declared.Count == 0 ? "is not a plan fact of the tenant's policy (it asks for none)" : "is not a plan fact of the tenant's policy: " + string.Join(", ", declared.Select(a => a.Name)));
        }

        foreach (var missing in declared.Where(a => !read.ContainsKey(a.Name) && !errors.Any(e => e.Path == path + "." + a.Name)))
        {
            errors.Add(new FieldError(path + "." + missing.Name, $"is required: the policy asks every plan to state it ({missing.Description})"));
        }

        return read;
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> RecordPlanDocument(string tenant, string caseId, HttpRequest request, ReviewService review, CaseStore cases, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var fields = new JsonFields(body);
        if (!fields.IsObject)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        fields.OnlyKnown("kind", "approvedBy", "failed");
        var kind = fields.String("kind", required: true, maxLength: 64, IsSlug, "a slug: a–z, 0–9 and '-', e.g. soil-pollution-survey");
        var approvedBy = fields.Strings("approvedBy", required: false, maxItems: 10, maxLength: 100) ?? [];
        var failed = Boolean(fields, "failed") ?? false;
        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        var outcome = await review.ExecuteAsync(tenant, caseId,
            _ => new RecordPlanDocument(new PlanDocument(kind!, approvedBy.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), failed)),
            Actor(request), null, ct);
        return await RespondAsync(tenant, caseId, outcome, review, cases, "$", ct);
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Resubmit(string tenant, string caseId, HttpRequest request, ReviewService review, CaseStore cases, TenantDirectory directory, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var loaded = await review.LoadAsync(tenant, caseId, ct);
        if (loaded is null)
        {
            return CasesApi.CaseNotFound(caseId);
        }

        var fields = new JsonFields(body);
        if (!fields.IsObject)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        fields.OnlyKnown("submissionId", "comment", "evidence", "plan");
        var policy = loaded.Context.Policy;
        var submissionId = fields.String("submissionId", required: true, maxLength: 100, SurveysApi.IsSubmissionId, SurveysApi.SubmissionIdRule);
        var comment = fields.String("comment", required: false, maxLength: 2000);
        var evidence = SurveysApi.ReadEvidence(body, policy, fields.Errors, "evidence", allowKind: false);
        var revised = RevisedPlan(fields, policy);
        var key = $"{caseId}|resubmission|{submissionId}";
        if (await ClaimAsync(tenant, caseId, key, "ResubmissionReceived", submissionId, body, evidence.Select(d => d.Name), "$.evidence", fields, review, cases, ct) is { } answered)
        {
            return answered;
        }

        var received = new NewCaseEvent("ResubmissionReceived", Actor(request), new
        {
            submissionId, comment, evidence = evidence.Select(e => e.Name),
            plan = revised is { } r ? new { r.NewLandUse, r.GreenChannel, r.Summary, r.Attributes } : null,
        });
        var files = evidence.Select(d => new EvidenceFile(d.Name, d.Sha256, d.Size, d.ContentType, EvidenceStatus.Pending, null, null, null)).ToList();

        // The revision is made over the case as each try reads it: the plan on file gives the current land use and
        // keeps its documents, and the revised facts choose the chain.
        Func<LoadedCase, RevisePlan>? revise = revised is null ? null : c =>
        {
            var facts = new PlanFacts(c.Case.LandUse, revised.NewLandUse, [], revised.GreenChannel, revised.Attributes.Count == 0 ? null : revised.Attributes);
            return new RevisePlan(facts, ReviewChainSelector.Select(c.Context.Policy.Review.PlanChains, facts.ToRuleInput(c.Case.District, c.Context.Today)).Id);
        };
        var outcome = await ClaimedAsync(tenant, caseId, key, "ResubmissionReceived", submissionId!, cases, () => files.Count == 0
            ? review.ExecuteAsync(tenant, caseId, c => new Resubmitted(revise?.Invoke(c)), Actor(request), new CaseAmendment { Events = [received] }, ct)
            : review.DeclareResubmissionAsync(tenant, caseId, received, files, revise, ct), ct);

        return await RespondAsync(tenant, caseId, outcome, review, cases, revised is null ? "$" : "$.plan", ct);
    }

    /// <summary>A resubmission's revised plan, restating its facts as a plan does (<c>newLandUse</c> required); null when the resubmission keeps the plan on file.</summary>
    private static PlanRevision? RevisedPlan(JsonFields fields, PolicyDocument policy)
    {
        if (fields.Object("plan", required: false) is not { } element)
        {
            return null;
        }

        var plan = new JsonFields(element, "$.plan");
        plan.OnlyKnown(PlanFactNames);
        var (newLandUse, greenChannel, summary, attributes) = ReadPlanFacts(plan, policy);
        fields.Errors.AddRange(plan.Errors);
        return plan.Errors.Count > 0 ? null : new PlanRevision(newLandUse!, greenChannel ?? false, summary, attributes);
    }

    private sealed record PlanRevision(string NewLandUse, bool GreenChannel, string? Summary, Dictionary<string, AttributeValue> Attributes);

    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> RespondAsync(
        string tenant, string caseId, ReviewOutcome outcome, ReviewService review, CaseStore cases, string field, CancellationToken ct)
    {
        switch (outcome.Kind)
        {
            case ReviewOutcomeKind.NotFound:
                return CasesApi.CaseNotFound(caseId);
            case ReviewOutcomeKind.Applied or ReviewOutcomeKind.Unchanged:
                var current = outcome.Case ?? (await cases.GetAsync(tenant, caseId, ct))!.Value.Case;
                return TypedResults.Ok(await CasesApi.ViewAsync(tenant, current, cases, ct, review));
        }

        var rejection = outcome.Rejection!;
        return rejection.Kind switch
        {
            RejectionKind.InvalidCommand => RequestProblems.Validation(field, rejection.Reason),
            RejectionKind.LimitReached => RequestProblems.Limit(rejection.Rule!, "$." + rejection.Field, rejection.Reason),
            RejectionKind.PlanConditionBroken => PlanConditionBroken(rejection, field),
            RejectionKind.GateNotSatisfied => TypedResults.Problem(statusCode: 409, type: RequestProblems.TypeBase + "plan-gate", title: "A plan gate is not satisfied.", detail: rejection.Reason,
                extensions: new Dictionary<string, object?> { ["gate"] = rejection.GateId, ["article"] = rejection.Article }),
            _ => TypedResults.Problem(statusCode: 409, type: RequestProblems.TypeBase + "case-state", title: "The case cannot take this now.", detail: rejection.Reason,
                extensions: new Dictionary<string, object?> { ["state"] = outcome.Case?.State.ToString() }),
        };
    }

    /// <summary>
    /// 422 <c>plan-condition</c>: the plan (at <paramref name="field"/>: <c>$</c>, or a revision's <c>$.plan</c>) breaks a strict
    /// condition of the policy; <c>errors</c> name the facts it reads (the plan itself when it reads only the parcel's), and nothing was recorded.
    /// </summary>
    private static ProblemHttpResult PlanConditionBroken(DecisionRejection rejection, string field)
    {
        IEnumerable<string> paths = rejection.Facts is { Count: > 0 } facts ? facts.Select(f => field + "." + f) : [field];
        return RequestProblems.Unprocessable("plan-condition", paths.Select(p => new FieldError(p, rejection.Reason)).ToList(), "The plan breaks a condition of the policy; nothing was recorded.",
            new Dictionary<string, object?> { ["condition"] = rejection.ConditionId, ["article"] = rejection.Article });
    }

    /// <summary>
    /// The common front of the idempotent submissions: refuse field errors and file names the case already uses, then bind the
    /// submission id to the body. Null means go on; otherwise the answer (errors, a repeat's current case, or a conflict).
    /// </summary>
    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>?> ClaimAsync(
        string tenant, string caseId, string key, string receivedType, string? submissionId, JsonElement body, IEnumerable<string> names, string path, JsonFields fields,
        ReviewService review, CaseStore cases, CancellationToken ct)
    {
        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        switch (await cases.ClaimSubmissionAsync(tenant, key, CanonicalJson.Sha256(body), caseId, ct))
        {
            case SubmissionClaim.Repeat:
                // A retry of one the case recorded gets the case. One whose first try is still running is told so; one whose
                // first try has recorded nothing for the grace (it died or its client went away after the claim) does the work.
                if (await RecordedAsync(tenant, caseId, receivedType, submissionId!, cases, ct))
                {
                    return TypedResults.Ok(await CasesApi.ViewAsync(tenant, (await cases.GetAsync(tenant, caseId, ct))!.Value.Case, cases, ct, review));
                }

                if (!await cases.TakeOverSubmissionAsync(tenant, key, ClaimGrace, ct))
                {
                    return TypedResults.Problem(statusCode: 409, type: RequestProblems.TypeBase + "submission-in-progress",
                        title: "A request with this submissionId is being processed.",
                        detail: $"submissionId '{submissionId}' was sent before and has not (yet) been recorded on the case; look at the case, then send it again.");
                }

                break;
            case SubmissionClaim.DifferentContent:
                return SurveysApi.SubmissionConflict(submissionId!);
        }

        // A first try, or a repeat that took over a stale claim (a try that recorded nothing added no files): its file names must be new to the case.
        await RefuseTakenNamesAsync(tenant, caseId, names, path, cases, fields.Errors, ct);
        if (fields.Errors.Count > 0)
        {
            await cases.ReleaseSubmissionAsync(tenant, key, ct);
            return RequestProblems.Validation(fields.Errors);
        }

        return null;
    }

    /// <summary>How long a claimed submission may go without being recorded before a repeat of it takes the work over.</summary>
    internal static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(30);

    private static async Task<bool> RecordedAsync(string tenant, string caseId, string receivedType, string submissionId, CaseStore cases, CancellationToken ct) =>
        (await cases.GetEventsAsync(tenant, caseId, ct)).Any(e => e.Type == receivedType && e.Data.TryGetProperty("submissionId", out var id) && id.GetString() == submissionId);

    /// <summary>
    /// Runs the work of a claimed submission. A refusal releases the claim, and so does a failure (storage, a cancelled
    /// request) unless the submission was recorded after all, so that sending it again does the work again.
    /// </summary>
    private static async Task<ReviewOutcome> ClaimedAsync(string tenant, string caseId, string key, string receivedType, string submissionId, CaseStore cases,
        Func<Task<ReviewOutcome>> work, CancellationToken ct)
    {
        ReviewOutcome outcome;
        try
        {
            outcome = await work();
        }
        catch (Exception)
        {
            try
            {
                await ReleaseUnlessRecordedAsync(tenant, caseId, key, receivedType, submissionId, cases, CancellationToken.None);
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or TimeoutException)
            {
                // The claim stays; a repeat takes it over once the grace has passed.
            }

            throw;
        }

        if (outcome.Kind is not (ReviewOutcomeKind.Applied or ReviewOutcomeKind.Unchanged))
        {
            await ReleaseUnlessRecordedAsync(tenant, caseId, key, receivedType, submissionId, cases, ct);
        }

        return outcome;
    }

    private static async Task ReleaseUnlessRecordedAsync(string tenant, string caseId, string key, string receivedType, string submissionId, CaseStore cases, CancellationToken ct)
    {
        if (!await RecordedAsync(tenant, caseId, receivedType, submissionId, cases, ct))
        {
            await cases.ReleaseSubmissionAsync(tenant, key, ct);
        }
    }

    private static async Task RefuseTakenNamesAsync(string tenant, string caseId, IEnumerable<string> names, string path, CaseStore cases, List<FieldError> errors, CancellationToken ct)
    {
        var wanted = names.ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        var taken = (await cases.GetEvidenceAsync(tenant, caseId, ct)).Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < wanted.Count; i++)
        {
            if (taken.Contains(wanted[i]))
            {
                errors.Add(new FieldError($"{path}[{i}].name", "is already the name of an evidence file of this case; choose another"));
            }
        }
    }

    private static bool? Boolean(JsonFields fields, string name)
    {
        if (!fields.Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        fields.Errors.Add(new FieldError(fields.Path + "." + name, "must be true or false"));
        return null;
    }

    internal static string Actor(HttpRequest request)
    {
        var key = request.Headers["X-Api-Key"].ToString();
        var parts = key.Split('_');
        return parts.Length == 3 ? "api-key:" + parts[1] : "api-key";
    }

    private static bool IsDate(string s) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsSlug(string s) => SlugPattern().IsMatch(s);

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex SlugPattern();
}
