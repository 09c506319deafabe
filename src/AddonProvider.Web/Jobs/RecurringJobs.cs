using Hangfire;

namespace AddonProvider.Web.Jobs;

/// <summary>
/// Every recurring job, in one place. Registered by worker processes at start-up (AddOrUpdate is idempotent).
/// Registration retries in the background: a worker that starts while PostgreSQL is away waits for it instead of
/// failing to start (the reliability harness caught a worker dying that way).
/// </summary>
public sealed class RecurringJobs(IRecurringJobManager manager, ILogger<RecurringJobs> logger) : BackgroundService
{
    public static readonly IReadOnlyList<(string Kind, string Cron)> Schedule =
    [
        (JobKinds.PurgeDeprovisioned, "17 * * * *"),        // hourly
        (JobKinds.SweepKafkaProvisioning, "*/10 * * * *"),  // every 10 minutes
        (JobKinds.RefreshStaleOwnerEmails, "40 3 * * *"),   // daily
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromSeconds(1); !stoppingToken.IsCancellationRequested; delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30)))
        {
            try
            {
                foreach (var (kind, cron) in Schedule)
                    manager.AddOrUpdate<JobRunner>(kind, r => r.RunAsync(kind, "", CancellationToken.None), cron);
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Registering recurring jobs failed ({Error}); retrying in {Delay}", e.GetType().Name, delay);
            }
            try { await Task.Delay(delay, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
