using LandRedevelopment.Functions.Admin;
using LandRedevelopment.Functions.Cases;
using LandRedevelopment.Functions.Health;
using LandRedevelopment.Functions.Payments;
using LandRedevelopment.Functions.Review;
using LandRedevelopment.Functions.Tenants;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>Every endpoint of the service, mapped once at start.</summary>
public static class ServiceEndpoints
{
    /// <summary>
    /// The health check, the admin and field-app APIs, the review links, and the endpoints the Functions host (or the
    /// local trigger runner) calls for queue and timer triggers.
    /// </summary>
    public static IEndpointRouteBuilder MapServiceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthApi();
        app.MapTenantsAdminApi();
        app.MapTenantResourcesAdminApi();
        app.MapFieldApi();
        app.MapPolicyDocs();
        app.MapClockApi();
        app.MapReviewLinks();
        app.MapReviewTriggers();
        app.MapEvidenceUploadSweeper();
        app.MapPaymentTriggers();
        return app;
    }
}
