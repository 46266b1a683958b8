using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Review;

/// <summary>The review's services: mail, the outbox relay, durable timers, the review itself and its sweeper.</summary>
public static partial class ReviewHosting
{
    /// <summary>Fault injection for tests of the at-least-once relay: stop the process right after a review transition commits.</summary>
    public const string ExitAfterCommitSetting = "Faults:ExitAfterReviewCommit";

    public static IServiceCollection AddReview(this IServiceCollection services, IConfiguration configuration)
    {
        // A setting that would break every step (links that expire before they are mailed, links to nowhere) stops the
        // app at start, saying which, rather than failing each transition later.
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section)
            .Validate(o => o.LinkGraceAfterDue > TimeSpan.Zero, "Review:LinkGraceAfterDue must be more than zero: a step's links must outlive its deadline.")
            .Validate(o => Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
                "Review:PublicBaseUrl must be an absolute http or https address: decision links in mails start with it.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReviewOptions>>().Value);
        services.AddSingleton<IMailSender>(_ => MailSender(configuration));
        services.AddSingleton(sp => new TimerIndex(sp.GetRequiredService<StorageAccount>().Tables.GetTableClient(TimerIndex.TableName),
            sp.GetRequiredService<StorageAccount>().Tables.GetTableClient(TimerIndex.LaterTableName), sp.GetRequiredService<StorageAccount>().Base64Queues,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new OutboxRelay(
            sp.GetRequiredService<StorageAccount>().Tables.GetTableClient("cases"), sp.GetRequiredService<StorageAccount>().Base64Queues,
            sp.GetRequiredService<TimerIndex>(), sp.GetRequiredService<IMailSender>(), sp.GetRequiredService<TimeProvider>(),
            new OutboxMarks(sp.GetRequiredService<StorageAccount>().Tables.GetTableClient(OutboxMarks.TableName), sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp =>
        {
            var review = new ReviewService(sp.GetRequiredService<CaseStore>(), sp.GetRequiredService<TenantDirectory>(), sp.GetRequiredService<ReviewOptions>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OutboxRelay>());
            if (configuration.GetValue<bool>(ExitAfterCommitSetting))
            {
                // As if killed -9 between the commit and the mail: no response, no relay, no clean shutdown.
                review.AfterCommit = (_, _) =>
                {
                    using var self = System.Diagnostics.Process.GetCurrentProcess();
                    self.Kill();
                    return Task.CompletedTask;
                };
            }

            return review;
        });
        services.AddSingleton(sp => new LandRedevelopment.Payments.Durable.PaymentService(sp.GetRequiredService<CaseStore>(), sp.GetRequiredService<ReviewService>(),
            sp.GetRequiredService<TenantDirectory>(), sp.GetRequiredService<ReviewOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OutboxRelay>())
        {
            ReminderDays = configuration.GetValue("Payments:ReminderDays", 7),
        });
        services.AddSingleton<ICaseTimerOwner>(sp => sp.GetRequiredService<ReviewService>());
        services.AddSingleton<ICaseTimerOwner>(sp => sp.GetRequiredService<LandRedevelopment.Payments.Durable.PaymentService>());
        services.AddSingleton(sp => new CaseTimers(sp.GetServices<ICaseTimerOwner>()));
        services.AddSingleton(sp => new PolicyValidityNotices(sp.GetRequiredService<TenantDirectory>(), sp.GetRequiredService<IMailSender>(),
            sp.GetRequiredService<ReviewOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ReviewSweeper(sp.GetRequiredService<TimerIndex>(), sp.GetRequiredService<ReviewService>(), sp.GetRequiredService<OutboxRelay>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<CaseTimers>()));
        services.AddHostedService<StartupSweep>();
        return services;
    }

    /// <summary>SMTP from the <c>Smtp</c> section (MailDev locally; any relay, e.g. Azure Communication Services, in Azure).</summary>
    private static IMailSender MailSender(IConfiguration configuration)
    {
        var section = configuration.GetSection("Smtp");
        var host = section["Host"];
        if (string.IsNullOrWhiteSpace(host))
        {
            return new UnconfiguredMailSender();
        }

        var options = new SmtpOptions
        {
            Host = host,
            Port = section.GetValue("Port", 587),
            EnableStartTls = section.GetValue("EnableStartTls", !IsLoopback(host)),
            UserName = section["UserName"],
            Password = section["Password"],
            From = section["From"] ?? "review@land-redevelopment.local",
            FromName = section["FromName"] ?? "低效用地再开发审查",
            Connections = section.GetValue("Connections", 4),
        };
        options.Validate();
        return new SmtpMailSender(options);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>Without SMTP settings mails stay in the outbox (nothing is dropped) and each try says why.</summary>
    private sealed class UnconfiguredMailSender : IMailSender
    {
        public Task SendAsync(MailMessageSpec message, CancellationToken cancellationToken) =>
            throw new MailDeliveryException("No SMTP server is configured (Smtp:Host); the mail stays in the outbox.", isRetryable: true);
    }

    /// <summary>
    /// After downtime: fire overdue timers and relay what a stopped instance left, shortly after storage is up. The short
    /// wait lets a starting instance answer first what it was started for (a cold start is usually a request waiting):
    /// the sweep's queries and firings would compete with it for the CPU, and a timer months long loses nothing by it.
    /// </summary>
    private sealed partial class StartupSweep(StorageBootstrap storage, ReviewSweeper sweeper, ILogger<StartupSweep> logger) : BackgroundService
    {
        /// <summary>How long after storage is ready the sweep starts (real time, whatever the service's clock).</summary>
        internal static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await storage.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Delay, stoppingToken).ConfigureAwait(false);
                var report = await sweeper.SweepAsync(TimeSpan.Zero, stoppingToken).ConfigureAwait(false);
                LogSwept(logger, report.TimersFired, report.Relayed.Delivered, report.Relayed.Failures.Count);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException)
            {
                LogFailed(logger, e.Message);
            }
        }

        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Start-up sweep: {Fired} timers fired, {Relayed} outbox rows relayed, {Failed} left for later")]
        private static partial void LogSwept(ILogger logger, int fired, int relayed, int failed);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Start-up sweep failed: {Reason}")]
        private static partial void LogFailed(ILogger logger, string reason);
    }
}
