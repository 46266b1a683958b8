using System.Diagnostics;
using Azure;
using LandRedevelopment.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Health;

/// <summary>The state of one dependency as the health check saw it.</summary>
public sealed record HealthCheck(string Name, string Status, long DurationMs, string? Error);

/// <summary>The health report: <c>Healthy</c> only when every storage service answered.</summary>
public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

/// <summary><c>GET /api/health</c>: 200 when blob, queue and table storage answer; 503 problem+json otherwise.</summary>
public static class HealthApi
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/health").WithTags("Health");
        group.MapGet("/", GetHealth)
            .WithName("Health")
            .WithSummary("Whether the service and its storage are up.")
            .Produces<HealthReport>(200)
            .ProducesProblem(503);
        return group;
    }

    internal static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> GetHealth(StorageAccount storage, CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(
            Check("blobs", ct => storage.Blobs.GetPropertiesAsync(ct), cancellationToken),
            Check("queues", ct => storage.Queues.GetPropertiesAsync(ct), cancellationToken),
            Check("tables", ct => storage.Tables.GetPropertiesAsync(ct), cancellationToken));

        if (checks.All(c => c.Status == "Healthy"))
        {
            return TypedResults.Ok(new HealthReport("Healthy", checks));
        }

        var failed = checks.Where(c => c.Status != "Healthy").ToList();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            type: "https://land-redevelopment.example/problems/storage-unavailable",
            title: "Storage is not reachable.",
            detail: string.Join("; ", failed.Select(c => $"{c.Name}: {c.Error}")),
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }

    private static async Task<HealthCheck> Check(string name, Func<CancellationToken, Task<Response>> probe, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await probe(timeout.Token);
            return new HealthCheck(name, "Healthy", watch.ElapsedMilliseconds, null);
        }
        catch (RequestFailedException e)
        {
            return new HealthCheck(name, "Unhealthy", watch.ElapsedMilliseconds, $"{e.Status} {e.ErrorCode ?? e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheck(name, "Unhealthy", watch.ElapsedMilliseconds, $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AggregateException)
        {
            return new HealthCheck(name, "Unhealthy", watch.ElapsedMilliseconds, e.Message);
        }
    }
}
