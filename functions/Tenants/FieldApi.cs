using LandRedevelopment.Functions.Admin;
using LandRedevelopment.Functions.Cases;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Payments;
using LandRedevelopment.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Tenants;

/// <summary>The field-app API of one tenant: <c>/api/t/{tenant}/…</c>, with that tenant's <c>X-Api-Key</c>.</summary>
public static class FieldApi
{
    public static RouteGroupBuilder MapFieldApi(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/api/t/{tenant}").WithTags("Field app").AddServiceFilter<TenantApiKeyFilter>().ProducesProblem(401);

        tenant.MapGet("/policy", GetPolicy).WithName("GetTenantPolicy")
            .WithSummary("The tenant's current policy: the land uses and attributes a survey reports, and the rules it is screened by.");
        tenant.MapScreeningApi();
        tenant.MapSurveysApi();
        tenant.MapCasesApi();
        tenant.MapEvidenceApi();
        tenant.MapReviewApi();
        tenant.MapPaymentsApi();
        return tenant;
    }

    internal static Task<Results<Ok<PolicyVersionView>, ProblemHttpResult>> GetPolicy(string tenant, TenantDirectory directory, TimeProvider time, CancellationToken ct) =>
        TenantsApi.PolicyView(tenant, null, directory, time, ct);
}
