using LandRedevelopment.Cases;
using Microsoft.AspNetCore.Diagnostics;

namespace LandRedevelopment.Functions.Problems;

/// <summary>
/// A write of a case that Table storage would not (or did not) take for its size — a path no limit of
/// <see cref="CaseLimits"/> foresaw — is answered 409 <c>case-record-limit</c>, never a 500: nothing of it was written,
/// and the case stays as it was.
/// </summary>
public static partial class CaseLimitProblems
{
    /// <summary>Handles <see cref="CaseRecordLimitException"/> ahead of the other exception handlers.</summary>
    public static IServiceCollection AddCaseLimitProblems(this IServiceCollection services)
    {
        services.AddExceptionHandler<CaseRecordLimitHandler>();
        return services;
    }

    private sealed partial class CaseRecordLimitHandler(IProblemDetailsService problems, ILogger<CaseRecordLimitHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not CaseRecordLimitException limit)
            {
                return false;
            }

            LogCaseRecordLimit(logger, httpContext.Request.Method, ApiProblems.SafePath(httpContext.Request), limit.CaseId, limit.Limit, limit.Message);
            httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails =
                {
                    Status = StatusCodes.Status409Conflict,
                    Type = RequestProblems.TypeBase + "case-record-limit",
                    Title = "The case's record cannot grow any further; nothing was written.",
                    Detail = limit.Message,
                    Extensions =
                    {
                        ["rule"] = "case-record-limit",
                        ["limit"] = limit.Limit,
                        ["errors"] = new[] { new FieldError("$", $"would take case {limit.CaseId}'s record past storage's limit ({limit.Limit})") },
                    },
                },
            });
        }

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Case record limit on {Method} {Path}: case {CaseId}, {Limit}: {Detail}")]
        private static partial void LogCaseRecordLimit(ILogger logger, string method, string path, string? caseId, string limit, string detail);
    }
}
