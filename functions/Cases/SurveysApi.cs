using System.Globalization;
using System.Text.Json;
using LandRedevelopment.Cases;
using LandRedevelopment.Evidence;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Functions.Tenants;
using LandRedevelopment.Geometry;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using LandRedevelopment.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Cases;

/// <summary>
/// <c>POST /api/t/{tenant}/surveys</c>: a field survey of a parcel. Idempotent on the client's
/// <c>submissionId</c>: the same content again answers 200 with the same case; different content 409.
/// </summary>
public static partial class SurveysApi
{
    private const long MaxBodyBytes = 4 * 1024 * 1024;

    public static RouteGroupBuilder MapSurveysApi(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/surveys", Submit).WithName("SubmitSurvey")
            .WithSummary("Submits a parcel survey (GeoJSON polygon, attributes, declared evidence). Idempotent on submissionId.")
            .Accepts<JsonElement>("application/json")
            .Produces<CaseView>(201).Produces<CaseView>(200).ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415);
        return tenant;
    }

    internal static async Task<Results<Created<CaseView>, Ok<CaseView>, ProblemHttpResult>> Submit(
        string tenant, HttpRequest request, TenantDirectory directory, CaseStore cases, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request, MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var stored = await directory.GetPolicyAsync(tenant, null, ct);
        var policy = JsonSerializer.Deserialize<PolicyDocument>(stored.Json, PolicyJson.Options)!;
        var (survey, errors) = Read(body, policy);
        if (survey is null)
        {
            return RequestProblems.Validation(errors, "The survey is not valid.");
        }

        var caseId = CaseStore.CaseIdFor(tenant, survey.SubmissionId);
        var claim = await cases.ClaimSubmissionAsync(tenant, survey.SubmissionId, CanonicalJson.Sha256(body), caseId, ct);
        if (claim == SubmissionClaim.DifferentContent)
        {
            return RequestProblems.Conflict("This submissionId was already used for a different survey.",
                $"submissionId '{survey.SubmissionId}' is bound to case {caseId} with other content; a new survey needs a new submissionId.");
        }

        var geometry = survey.Geometry;
        var envelope = geometry.Envelope;
        var bbox = (envelope.MinLongitude, envelope.MinLatitude, envelope.MaxLongitude, envelope.MaxLatitude);
        var geometryJson = geometry.ToGeoJsonString();
        if (await cases.GetAsync(tenant, caseId, ct) is { } existing)
        {
            // A retry: the first try may have stopped before writing the case's index row, so it is written again.
            await cases.UpsertIndexAsync(existing.Case, bbox, geometryJson, ct);
            return TypedResults.Ok(await CasesApi.ViewAsync(tenant, existing.Case, cases, ct));
        }

        // A closed case (rejected, or screened out) no longer holds its parcel: a new survey opens a new case.
        var holder = await ClaimParcelAsync(tenant, survey.LandCode, caseId, cases, ct);
        if (holder != caseId)
        {
            return await RefusedAsync(tenant, survey, claim, holder, cases, ct);
        }

        var now = time.GetUtcNow();
        // The largest overlaps are listed, the rest counted: the list is kept on the case's row (CaseLimits).
        var allOverlaps = await OverlapsAsync(tenant, caseId, geometry, cases, ct);
        var overlaps = allOverlaps.OrderByDescending(o => o.AreaM2).ThenBy(o => o.CaseId, StringComparer.Ordinal).Take(CaseLimits.MaxOverlappingCases).ToList();
        var overlapsNotListed = allOverlaps.Count - overlaps.Count;
        var input = new ScreeningInput
        {
            LandUse = survey.LandUse,
            District = survey.District,
            Zone = survey.Zone,
            SurveyedOn = survey.SurveyedOn,
            ParcelAreaM2 = geometry.AreaM2,
            // The declared area is a parcel field; the screening compares it with the polygon for every city.
            Attributes = survey.DeclaredAreaM2 is { } declared && !survey.Attributes.ContainsKey(ScreeningInput.DeclaredAreaName)
                ? new Dictionary<string, AttributeValue>(survey.Attributes) { [ScreeningInput.DeclaredAreaName] = AttributeValue.Of(declared) }
                : survey.Attributes,
        };
        var screening = ScreeningEngine.Screen(policy, input);
        var flags = new List<string>();
        if (screening.AreaCheck is { WithinTolerance: false } area)
        {
            flags.Add($"declared area {area.DeclaredAreaM2} m² differs from the surveyed polygon's {area.ComputedAreaM2} m² by more than {area.Tolerance:P0}");
        }

        flags.AddRange(overlaps.Select(o => $"overlaps case {o.CaseId} by {o.AreaM2} m²"));
        if (overlapsNotListed > 0)
        {
            flags.Add($"overlaps {overlapsNotListed} more cases (only the {CaseLimits.MaxOverlappingCases} largest overlaps are listed)");
        }

        var screeningJson = JsonSerializer.SerializeToElement(new { result = screening, flags, overlaps, overlapsNotListed }, JsonSerializerOptions.Web);
        var evidence = survey.Evidence.Select(e => new EvidenceFile(e.Name, e.Sha256, e.Size, e.ContentType, EvidenceStatus.Pending, null, null, null)).ToList();
        var parcelCase = new ParcelCase
        {
            TenantId = tenant,
            CaseId = caseId,
            State = evidence.Count == 0 ? CaseState.ReadyForReview : CaseState.AwaitingEvidence,
            PolicyVersion = stored.Version,
            SubmissionId = survey.SubmissionId,
            LandCode = survey.LandCode,
            District = survey.District,
            Zone = survey.Zone,
            LandUse = survey.LandUse,
            SurveyedOn = survey.SurveyedOn,
            Surveyor = survey.Surveyor,
            DeclaredAreaM2 = survey.DeclaredAreaM2,
            AreaM2 = geometry.AreaM2,
            AreaMu = geometry.AreaMu,
            GaussKrugerZone = geometry.GaussKrugerZone,
            OverlappingCases = overlaps.Select(o => o.CaseId).ToList(),
            OverlappingCasesNotListed = overlapsNotListed,
            Attributes = survey.AttributesJson,
            Screening = screeningJson,
            IsCandidate = screening.IsCandidate,
            Outcome = JsonNamingPolicy.CamelCase.ConvertName(screening.Outcome.ToString()),
            DeterminationChain = screening.IsCandidate && policy.Review.DeterminationChains.Count > 0
                ? ReviewChainSelector.Select(policy.Review.DeterminationChains, input).Id
                : null,
            Version = evidence.Count == 0 ? 2 : 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var events = new List<(string, object)>
        {
            ("SurveySubmitted", new { survey.SubmissionId, survey.Surveyor, surveyedOn = survey.SurveyedOn, policyVersion = stored.Version, outcome = parcelCase.Outcome, evidence = evidence.Count }),
        };
        if (evidence.Count == 0)
        {
            events.Add(("SurveyCompleted", new { evidence = 0 }));
        }

        for (var attempt = 0; ; attempt++)
        {
            var creation = await cases.CreateClaimedAsync(parcelCase, evidence, events, geometryJson, ct);
            if (creation != CaseCreation.ParcelLost)
            {
                var created = creation == CaseCreation.Created;
                var current = created ? parcelCase : (await cases.GetAsync(tenant, caseId, ct))!.Value.Case;
                await cases.UpsertIndexAsync(current, bbox, geometryJson, ct);
                var view = await CasesApi.ViewAsync(tenant, current, cases, ct);
                return created ? TypedResults.Created($"/api/t/{tenant}/cases/{caseId}", view) : TypedResults.Ok(view);
            }

            // The claim passed to another survey meanwhile (this request was taken for dead): look at it again.
            holder = await ClaimParcelAsync(tenant, survey.LandCode, caseId, cases, ct);
            if (holder != caseId || attempt >= 2)
            {
                return await RefusedAsync(tenant, survey, claim, holder, cases, ct);
            }
        }
    }

    private static Task<string> ClaimParcelAsync(string tenant, string landCode, string caseId, CaseStore cases, CancellationToken ct) =>
        cases.ClaimParcelAsync(tenant, landCode, caseId, releases: c => c.State is CaseState.Rejected or CaseState.ScreenedOut, ct);

    /// <summary>The 409 for a survey of a parcel another case holds (or, while its request is under way, has claimed).</summary>
    private static async Task<ProblemHttpResult> RefusedAsync(string tenant, Survey survey, SubmissionClaim claim, string holder, CaseStore cases, CancellationToken ct)
    {
        if (claim == SubmissionClaim.New)
        {
            // Refused: leave no trace, so the same submission can go through once the parcel is free.
            await cases.ReleaseSubmissionAsync(tenant, survey.SubmissionId, ct);
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: RequestProblems.TypeBase + "parcel-in-review",
            title: "This parcel already has a case in progress.",
            detail: $"Parcel {survey.LandCode} is in case {holder}; a new survey is accepted once that case is closed; a case returned for rework takes a resubmission (POST /api/t/{tenant}/cases/{holder}/resubmission).",
            extensions: new Dictionary<string, object?> { ["caseId"] = holder });
    }

    private sealed record Overlap(string CaseId, decimal AreaM2);

    private static async Task<List<Overlap>> OverlapsAsync(string tenant, string caseId, ParcelGeometry geometry, CaseStore cases, CancellationToken ct)
    {
        var envelope = geometry.Envelope;
        var found = new List<Overlap>();
        foreach (var (summary, json) in await cases.InEnvelopeAsync(tenant, (envelope.MinLongitude, envelope.MinLatitude, envelope.MaxLongitude, envelope.MaxLatitude), ct))
        {
            if (summary.CaseId == caseId)
            {
                continue;
            }

            var other = ParcelGeometry.FromGeoJson(json ?? await cases.GetGeometryAsync(tenant, summary.CaseId, ct));
            var overlap = ParcelOverlap.Overlaps(geometry, other);
            if (overlap.Overlaps)
            {
                found.Add(new Overlap(summary.CaseId, overlap.OverlapAreaM2));
            }
        }

        return found;
    }

    /// <summary>A survey as read from the request, every field checked.</summary>
    internal sealed record Survey(
        string SubmissionId, DateOnly SurveyedOn, string Surveyor, string LandCode, string District, string? Zone, string LandUse,
        decimal? DeclaredAreaM2, ParcelGeometry Geometry, Dictionary<string, AttributeValue> Attributes, JsonElement AttributesJson,
        IReadOnlyList<(string Name, string Sha256, long Size, string ContentType)> Evidence);

    internal static (Survey? Survey, List<FieldError> Errors) Read(JsonElement body, PolicyDocument policy)
    {
        var fields = new JsonFields(body);
        if (!fields.IsObject)
        {
            return (null, fields.Errors);
        }

        fields.OnlyKnown("submissionId", "surveyedOn", "surveyor", "parcel", "evidence");
        var submissionId = fields.String("submissionId", required: true, maxLength: 100, IsSubmissionId, SubmissionIdRule);
        var surveyedOn = fields.String("surveyedOn", required: true, maxLength: 10, IsDate, "a date yyyy-MM-dd");
        var surveyor = fields.String("surveyor", required: true, maxLength: 100);
        var errors = fields.Errors;

        string? landCode = null, district = null, zone = null, landUse = null;
        decimal? declaredArea = null;
        ParcelGeometry? geometry = null;
        var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        var attributesJson = JsonSerializer.SerializeToElement(new { });
        if (fields.Object("parcel", required: true) is { } parcelElement)
        {
            var parcel = new JsonFields(parcelElement, "$.parcel");
            parcel.OnlyKnown("landCode", "district", "zone", "landUse", "declaredAreaM2", "geometry", "attributes");
            landCode = parcel.String("landCode", required: true, maxLength: 40, s => LandCodePattern().IsMatch(s), "a land parcel code (宗地代码): 1–40 letters, digits or '-'");
            district = parcel.String("district", required: true, maxLength: 64);
            zone = parcel.String("zone", required: false, maxLength: 64);
            var landUses = policy.LandUses.Select(l => l.Code).ToList();
            landUse = parcel.String("landUse", required: true, maxLength: 64, landUses.Contains, "one of the policy's land uses: " + string.Join(", ", landUses));
            declaredArea = parcel.Number("declaredAreaM2", required: false, 0.01, 1e9) is { } a ? (decimal)a : null;
            if (parcel.Object("geometry", required: true) is { } geometryElement)
            {
                var parsed = ParcelGeometry.Parse(geometryElement, policy.Survey.MaxVertices, "$.parcel.geometry");
                parcel.Errors.AddRange(parsed.Errors.Select(e => new FieldError(e.Path, e.Message)));
                geometry = parsed.Geometry;
            }

            if (parcel.Object("attributes", required: true) is { } attributesElement)
            {
                attributes = ScreeningApi.ReadAttributes(attributesElement, policy, "$.parcel.attributes", parcel.Errors);
                attributesJson = attributesElement.Clone();
            }

            errors.AddRange(parcel.Errors);
        }

        var evidence = ReadEvidence(body, policy, errors);
        if (errors.Count > 0 || geometry is null)
        {
            return (null, errors);
        }

        return (new Survey(submissionId!, DateOnly.ParseExact(surveyedOn!, "yyyy-MM-dd", CultureInfo.InvariantCulture), surveyor!, landCode!, district!, zone, landUse!,
            declaredArea, geometry, attributes, attributesJson, evidence), errors);
    }

    /// <summary>The rule of client submission ids, for error messages.</summary>
    internal const string SubmissionIdRule = "1–100 letters, digits, '.', '_', ':' or '-'";

    internal static bool IsSubmissionId(string s) => SubmissionIdPattern().IsMatch(s);

    internal static ProblemHttpResult SubmissionConflict(string submissionId) =>
        RequestProblems.Conflict("This submissionId was already used with different content.",
            $"submissionId '{submissionId}' is bound to other content; a new submission needs a new submissionId.");

    private static List<(string Name, string Sha256, long Size, string ContentType)> ReadEvidence(JsonElement body, PolicyDocument policy, List<FieldError> errors) =>
        ReadEvidence(body, policy, errors, "evidence", allowKind: false).Select(f => (f.Name, f.Sha256, f.Size, f.ContentType)).ToList();

    /// <summary>Declared files (name, sha256, size, content type; with <paramref name="allowKind"/> also the document kind a plan gate asks for).</summary>
    internal static List<DeclaredDocument> ReadEvidence(JsonElement body, PolicyDocument policy, List<FieldError> errors, string member, bool allowKind)
    {
        var files = new List<DeclaredDocument>();
        if (!body.TryGetProperty(member, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return files;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError("$." + member, "must be an array"));
            return files;
        }

        if (list.GetArrayLength() > policy.Evidence.MaxFiles)
        {
            errors.Add(new FieldError("$." + member, $"has {list.GetArrayLength()} files; the policy allows at most {policy.Evidence.MaxFiles}"));
            return files;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"$.{member}[{i++}]";
            var file = new JsonFields(item, path);
            if (!file.IsObject)
            {
                errors.AddRange(file.Errors);
                continue;
            }

            if (allowKind)
            {
                file.OnlyKnown("name", "sha256", "size", "contentType", "kind");
            }
            else
            {
                file.OnlyKnown("name", "sha256", "size", "contentType");
            }

            var kind = allowKind ? file.String("kind", required: false, maxLength: 64, k => KindPattern().IsMatch(k), "a slug: a–z, 0–9 and '-', e.g. soil-pollution-survey") : null;
            var name = file.String("name", required: true, maxLength: 128, EvidenceNames.IsSafe, EvidenceNames.Rule);
            var sha = file.String("sha256", required: true, maxLength: 64, s => Sha256Pattern().IsMatch(s), "64 hexadecimal characters (the file's SHA-256)");
            var size = file.Number("size", required: true, 1, policy.Evidence.MaxFileBytes);
            var contentType = file.String("contentType", required: true, maxLength: 100, policy.Evidence.ContentTypes.Contains,
                "a content type the policy allows: " + string.Join(", ", policy.Evidence.ContentTypes));
            if (size is { } s && s != Math.Floor(s))
            {
                file.Errors.Add(new FieldError($"{path}.size", "must be a whole number of bytes"));
            }

            if (name is not null && !names.Add(name))
            {
                file.Errors.Add(new FieldError($"{path}.name", $"must be unique within the {member} list"));
            }

            errors.AddRange(file.Errors);
            if (file.Errors.Count == 0)
            {
                files.Add(new DeclaredDocument(name!, sha!.ToLowerInvariant(), (long)size!.Value, contentType!, kind));
            }
        }

        return files;
    }

    private static bool IsDate(string s) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._:-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex SubmissionIdPattern();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9-]{1,40}$")]
    private static partial System.Text.RegularExpressions.Regex LandCodePattern();

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex KindPattern();

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial System.Text.RegularExpressions.Regex Sha256Pattern();
}

/// <summary>A file declared for upload: what the upload must match.</summary>
internal sealed record DeclaredDocument(string Name, string Sha256, long Size, string ContentType, string? Kind);
