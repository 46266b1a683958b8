using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Review.Durable;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Cases;

public sealed record ParcelView(string LandCode, string District, string? Zone, string LandUse, decimal? DeclaredAreaM2, decimal AreaM2, decimal AreaMu, int GaussKrugerZone, DateOnly SurveyedOn, string Surveyor, JsonElement Attributes);

public sealed record EvidenceView(string Name, EvidenceStatus Status, long Size, string ContentType, string Sha256, DateTimeOffset? VerifiedAt, string Upload, string UploadUrl, string Complete, string Download);

public sealed record CaseView(
    string CaseId, string Tenant, CaseState State, int PolicyVersion, string SubmissionId, ParcelView Parcel, JsonElement Screening,
    IReadOnlyList<string> OverlappingCases, IReadOnlyList<EvidenceView> Evidence, IReadOnlyList<DeadlineView> Deadlines, ReviewView? Review, IReadOnlyList<CaseEvent> History,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CaseListPage(IReadOnlyList<CaseSummary> Cases, string? ContinuationToken);

/// <summary>Reading cases: one case, a paged and filtered list, and a GeoJSON map of the tenant's parcels.</summary>
public static class CasesApi
{
    public static RouteGroupBuilder MapCasesApi(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/cases/{caseId}", GetCase).WithName("GetCase").WithSummary("A case: state, parcel, areas, screening, evidence status, deadlines, history.").ProducesProblem(404);
        tenant.MapGet("/cases", ListCases).WithName("ListCases").WithSummary("The tenant's cases, newest state first per page; filter by state and district.").ProducesProblem(400);
        tenant.MapGet("/parcels.geojson", Parcels).WithName("ParcelsGeoJson").WithSummary("A GeoJSON FeatureCollection of the tenant's parcels with state and screening outcome, for maps.")
            .Produces(200, contentType: "application/geo+json");
        tenant.MapGet("/progress", Progress).WithName("Progress")
            .WithSummary("Where the programme stands: the tenant's parcels and their surveyed area by state, for the city (or one district) and by district, with the land price, as of now; format=csv gives it as a table.")
            .Produces(200, contentType: ProgressCsv.ContentType)
            .ProducesProblem(400);
        return tenant;
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> GetCase(string tenant, string caseId, CaseStore cases, ReviewService review, CancellationToken ct) =>
        await cases.GetAsync(tenant, caseId, ct) is { } found
            ? TypedResults.Ok(await ViewAsync(tenant, found.Case, cases, ct, review))
            : CaseNotFound(caseId);

    internal static async Task<Results<Ok<CaseListPage>, ProblemHttpResult>> ListCases(
        string tenant, string? state, string? district, string? continuationToken, int? pageSize, CaseStore cases, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        CaseState? wanted = null;
        if (state is not null)
        {
            if (Enum.TryParse<CaseState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(state, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add(new FieldError("state", "must be one of: " + string.Join(", ", Enum.GetNames<CaseState>().Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)))));
            }
        }

        if (pageSize is < 1 or > 200)
        {
            errors.Add(new FieldError("pageSize", "must be from 1 to 200"));
        }

        if (district is { Length: > 64 })
        {
            errors.Add(new FieldError("district", "must be at most 64 characters"));
        }

        if (continuationToken is { Length: > 2048 })
        {
            errors.Add(new FieldError("continuationToken", "is not a token this API issued"));
        }

        if (errors.Count > 0)
        {
            return RequestProblems.Validation(errors);
        }

        try
        {
            var (page, next) = await cases.ListAsync(tenant, wanted, district, continuationToken, pageSize ?? 50, ct);
            return TypedResults.Ok(new CaseListPage(page, next));
        }
        catch (FormatException)
        {
            return RequestProblems.Validation("continuationToken", "is not a token this API issued");
        }
    }

    internal static async Task<Results<Ok<ProgressReport>, FileContentHttpResult, ProblemHttpResult>> Progress(
        string tenant, string? district, string? format, CaseStore cases, TimeProvider time, CancellationToken ct)
    {
        if (district is { Length: 0 or > 64 })
        {
            return RequestProblems.Validation("district", "must be 1 to 64 characters");
        }

        if (format is not (null or "json" or "csv"))
        {
            return RequestProblems.Validation("format", "must be json or csv");
        }

        var asOf = time.GetUtcNow();
        var all = new List<CaseSummary>();
        await foreach (var summary in cases.AllAsync(tenant, district, ct))
        {
            all.Add(summary);
        }

        var report = ProgressReport.From(all, asOf, district);
        return format == "csv"
            ? TypedResults.File(ProgressCsv.Write(report), ProgressCsv.ContentType,
                string.Create(CultureInfo.InvariantCulture, $"progress-{tenant}-{asOf:yyyyMMdd}.csv"))
            : TypedResults.Ok(report);
    }

    internal static async Task<IResult> Parcels(string tenant, CaseStore cases, CancellationToken ct)
    {
        var features = new JsonArray();
        await foreach (var (summary, geometry) in cases.AllWithGeometryAsync(tenant, ct))
        {
            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["id"] = summary.CaseId,
                ["geometry"] = JsonNode.Parse(geometry),
                ["properties"] = new JsonObject
                {
                    ["caseId"] = summary.CaseId,
                    ["landCode"] = summary.LandCode,
                    ["district"] = summary.District,
                    ["landUse"] = summary.LandUse,
                    ["state"] = JsonNamingPolicy.CamelCase.ConvertName(summary.State.ToString()),
                    ["outcome"] = summary.Outcome,
                    ["isCandidate"] = summary.IsCandidate,
                    ["areaM2"] = summary.AreaM2,
                },
            });
        }

        var collection = new JsonObject { ["type"] = "FeatureCollection", ["features"] = features };
        return Results.Text(collection.ToJsonString(), "application/geo+json");
    }

    internal static async Task<CaseView> ViewAsync(string tenant, ParcelCase c, CaseStore cases, CancellationToken ct, ReviewService? review = null)
    {
        var reviewView = review is not null && c.Review is not null && await review.LoadAsync(tenant, c.CaseId, ct) is { } loaded
            ? await ReviewViews.ViewAsync(loaded, review, ct)
            : ((ReviewView, IReadOnlyList<DeadlineView>)?)null;
        var evidence = await cases.GetEvidenceAsync(tenant, c.CaseId, ct);
        var history = await cases.GetEventsAsync(tenant, c.CaseId, ct);
        var basePath = $"/api/t/{tenant}/cases/{c.CaseId}/evidence/";
        return new CaseView(c.CaseId, tenant, c.State, c.PolicyVersion, c.SubmissionId,
            new ParcelView(c.LandCode, c.District, c.Zone, c.LandUse, c.DeclaredAreaM2, c.AreaM2, c.AreaMu, c.GaussKrugerZone, c.SurveyedOn, c.Surveyor, c.Attributes),
            c.Screening, c.OverlappingCases,
            evidence.Select(e =>
            {
                var at = basePath + Uri.EscapeDataString(e.Name);
                return new EvidenceView(e.Name, e.Status, e.Size, e.ContentType, e.Sha256, e.VerifiedAt, at, at + "/upload-url", at + "/complete", at);
            }).ToList(),
            reviewView?.Item2 ?? [], reviewView?.Item1, history, c.CreatedAt, c.UpdatedAt);
    }

    internal static ProblemHttpResult CaseNotFound(string caseId) =>
        RequestProblems.NotFound("No such case.", $"This tenant has no case '{caseId}'.");
}
