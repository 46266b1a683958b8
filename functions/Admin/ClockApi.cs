using System.Xml;
using LandRedevelopment.Clock;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Admin;

public sealed record ClockView(DateTimeOffset Now, TimeSpan Offset)
{
    /// <summary>After an advance: the durable timers that fell due and fired.</summary>
    public int? TimersFired { get; init; }
}

/// <summary>
/// <c>/api/admin/clock</c>: moves the service's clock forward for tests and demos (months-long deadlines
/// in seconds). It exists only when <c>Clock:Adjustable</c> is true; otherwise it answers 404 like any
/// unknown route, before any other check.
/// </summary>
public static class ClockApi
{
    public const string Setting = "Clock:Adjustable";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>(Setting);

    public static RouteGroupBuilder MapClockApi(this IEndpointRouteBuilder app)
    {
        var clock = app.MapGroup("/api/admin/clock").WithTags("Admin: clock")
            .AddEndpointFilter(async (context, next) =>
                IsEnabled(context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()) ? await next(context) : Results.NotFound())
            .AddServiceFilter<AdminAuthorization>()
            .ProducesProblem(401).ProducesProblem(404);
        clock.MapGet("/", Get).WithName("GetClock").WithSummary("The service's current time and how far it is ahead of real time.");
        clock.MapPost("/", Advance).WithName("AdvanceClock")
            .WithSummary("Moves the clock forward by an ISO 8601 duration (days, hours, minutes, seconds), e.g. {\"advance\": \"P30D\"}.")
            .ProducesProblem(400);
        return clock;
    }

    internal static Ok<ClockView> Get(TimeProvider time) =>
        TypedResults.Ok(new ClockView(time.GetUtcNow(), time is AdjustableClock a ? a.Offset : TimeSpan.Zero));

    internal static async Task<Results<Ok<ClockView>, ProblemHttpResult>> Advance(
        HttpRequest request, TimeProvider time, ClockStore store, LandRedevelopment.Review.Durable.ReviewSweeper sweeper, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadObjectAsync(request);
        if (fields is null)
        {
            return problem!;
        }

        fields.OnlyKnown("advance");
        var text = fields.String("advance", required: true, maxLength: 40);
        TimeSpan by = default;
        if (text is not null && !TryParseDuration(text, out by))
        {
            fields.Errors.Add(new FieldError("$.advance", "must be a positive ISO 8601 duration of days, hours, minutes or seconds, e.g. P30D or PT2H (months and years vary in length; give days)"));
        }

        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        var offset = await store.AdvanceAsync(by, ct);
        (time as AdjustableClock)?.Observe(offset);

        // Timers now due fire at once rather than at the next sweep: their queue messages hide in real time.
        var swept = await sweeper.SweepAsync(LandRedevelopment.Review.Durable.ReviewSweeper.OutboxGrace, ct);
        return TypedResults.Ok(new ClockView(time.GetUtcNow(), offset) { TimersFired = swept.TimersFired });
    }

    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var datePart = text.Split('T')[0];
        if (!text.StartsWith('P') || datePart.Contains('Y', StringComparison.Ordinal) || datePart.Contains('M', StringComparison.Ordinal) || text.Contains('-', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return duration > TimeSpan.Zero && duration <= TimeSpan.FromDays(3650);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}

/// <summary>Keeps this instance's adjustable clock in step with the shared offset (other instances may advance it).</summary>
public sealed partial class ClockSync(AdjustableClock clock, ClockStore store, LandRedevelopment.Functions.Hosting.StorageBootstrap storage, ILogger<ClockSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await storage.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                clock.Observe(await store.ReadAsync(stoppingToken).ConfigureAwait(false));
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Azure.RequestFailedException e)
            {
                LogReadFailed(logger, e.Status, e.ErrorCode);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Could not read the clock offset ({Status} {ErrorCode})")]
    private static partial void LogReadFailed(ILogger logger, int status, string? errorCode);
}
