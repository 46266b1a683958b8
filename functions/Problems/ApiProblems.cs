using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace LandRedevelopment.Functions.Problems;

/// <summary>
/// Every error leaves as RFC 9457 problem+json: unmatched routes and methods (404/405), unreadable
/// bodies (400), and unexpected exceptions (500, with the trace id and nothing internal).
/// </summary>
public static partial class ApiProblems
{
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= SafePath(context.HttpContext.Request);
            if (IsDecisionLink(context.HttpContext.Request))
            {
                // The token is in the address: no cache or referrer may keep it, problems included.
                context.HttpContext.Response.Headers.CacheControl = "no-store";
                context.HttpContext.Response.Headers["Referrer-Policy"] = "no-referrer";
            }

            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    public static WebApplication UseApiProblems(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        // Problem+json whatever the client accepts (the default falls back to text/plain for a browser).
        app.UseStatusCodePages(context =>
            TypedResults.Problem(statusCode: context.HttpContext.Response.StatusCode, instance: SafePath(context.HttpContext.Request)).ExecuteAsync(context.HttpContext));
        return app;
    }

    private const string DecisionLinkPrefix = "/api/review";

    /// <summary>Whether the request is for a decision link (<c>/api/review/{token}</c>), whose path carries a bearer token.</summary>
    public static bool IsDecisionLink(HttpRequest request) =>
        request?.Path.StartsWithSegments(DecisionLinkPrefix, StringComparison.OrdinalIgnoreCase) ?? false;

    /// <summary>
    /// The request's path as it may be echoed in a problem or written to a log: a decision link's token (a bearer
    /// credential) is left out, <c>/api/review/…</c>.
    /// </summary>
    public static string SafePath(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SafePath(request.Path.Value ?? "");
    }

    /// <summary>A path as it may be echoed or logged (see <see cref="SafePath(HttpRequest)"/>).</summary>
    public static string SafePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new PathString(path).StartsWithSegments(DecisionLinkPrefix, StringComparison.OrdinalIgnoreCase) && path.Length > DecisionLinkPrefix.Length + 1
            ? DecisionLinkPrefix + "/…"
            : path;
    }

    /// <summary>A malformed request (bad JSON, a body too large) is the client's error, never a 500.</summary>
    private sealed partial class BadRequestExceptionHandler(
        IProblemDetailsService problems, IOptions<LandRedevelopment.Functions.Hosting.StorageOutageOptions> outages, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is Azure.RequestFailedException storage && IsStorageUnavailable(storage))
            {
                // Storage down (or its breaker open), or not bootstrapped yet: the client can retry; nothing was acknowledged.
                LogStorageUnavailable(logger, httpContext.Request.Method, SafePath(httpContext.Request), storage.Status, storage.ErrorCode);
                httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(storage).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = httpContext,
                    Exception = exception,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Type = RequestProblems.TypeBase + "storage-unavailable",
                        Title = "Storage is not available right now; try again.",
                    },
                });
            }

            if (exception is not BadHttpRequestException bad)
            {
                LogUnhandled(logger, httpContext.Request.Method, SafePath(httpContext.Request), exception);
                return false;
            }

            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails =
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.",
                    Detail = bad.Message,
                },
            });
        }

        /// <summary>
        /// A call its storage breaker refused may be retried once the breaker lets a call through again; any other storage
        /// failure (which opened the breaker, if storage was out of reach) after one open period. Whole seconds, rounded
        /// up, at least one.
        /// </summary>
        private int RetryAfterSeconds(Azure.RequestFailedException e) =>
            (int)Math.Max(1, Math.Ceiling((e is LandRedevelopment.Storage.StorageCircuitOpenException open ? open.RetryAfter : outages.Value.BreakDuration).TotalSeconds));

        private static bool IsStorageUnavailable(Azure.RequestFailedException e) => LandRedevelopment.Functions.Hosting.StorageOutages.IsUnavailable(e);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Storage unavailable on {Method} {Path}: {Status} {ErrorCode}")]
        private static partial void LogStorageUnavailable(ILogger logger, string method, string path, int status, string? errorCode);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
        private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
    }
}
