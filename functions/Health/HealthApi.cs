using System.Text.Json;
using System.Text.Json.Serialization;
using LandRedevelopment.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Health;

/// <summary>The state of one dependency as the health check saw it.</summary>
public sealed record HealthCheck(string Name, string Status, long DurationMs, string? Error);

/// <summary>
/// The health report: <c>Healthy</c> only when every storage service answered and the service's tables and queues exist;
/// <c>CheckedAt</c> is when storage was looked at (a healthy look is reused for a few seconds).
/// </summary>
public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks, DateTimeOffset CheckedAt);

/// <summary>
/// <c>GET /api/health</c>: 200 when blob, queue and table storage answer and the storage bootstrap has finished;
/// 503 problem+json otherwise. <c>?fresh=true</c> asks storage now instead of reusing a look of the last few seconds.
/// </summary>
public static class HealthApi
{
    /// <summary>
    /// Puts the health report's generated serializer first in the API's JSON options: the report is the first answer of
    /// every start (and then one a second from the platform), so it should not wait for its contract to be built by reflection.
    /// </summary>
    public static IServiceCollection AddHealthApi(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HealthJsonContext.Default));

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/health").WithTags("Health");
        group.MapGet("/", GetHealth)
            .WithName("Health")
            .WithSummary("Whether the service and its storage are up.")
            .WithDescription("A healthy look at storage is reused for a few seconds; `fresh=true` asks storage now.")
            .Produces<HealthReport>(200)
            .ProducesProblem(503);
        return group;
    }

    internal static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> GetHealth(
        StorageHealth health, StorageBootstrap bootstrap, bool? fresh, CancellationToken cancellationToken)
    {
        var probe = await health.GetAsync(fresh ?? false, cancellationToken).ConfigureAwait(false);
        if (!probe.Healthy)
        {
            var failed = probe.Checks.Where(c => c.Status != "Healthy").ToList();
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                type: LandRedevelopment.Functions.Problems.RequestProblems.TypeBase + "storage-unavailable",
                title: "Storage is not reachable.",
                detail: string.Join("; ", failed.Select(c => $"{c.Name}: {c.Error}")),
                extensions: new Dictionary<string, object?> { ["checks"] = probe.Checks, ["checkedAt"] = probe.CheckedAt });
        }

        if (!bootstrap.Ready.IsCompleted)
        {
            // Storage answers, but the tables and queues the service needs are not all there yet: not ready to serve.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                type: LandRedevelopment.Functions.Problems.RequestProblems.TypeBase + "storage-not-ready",
                title: "Storage answers, but the service's tables and queues are still being created.",
                extensions: new Dictionary<string, object?> { ["checks"] = probe.Checks, ["checkedAt"] = probe.CheckedAt });
        }

        return TypedResults.Ok(new HealthReport("Healthy", probe.Checks, probe.CheckedAt));
    }
}

/// <summary>The health report's serializer, generated at compile time (web defaults, as the rest of the API).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
