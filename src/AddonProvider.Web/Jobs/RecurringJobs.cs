using Hangfire;

namespace AddonProvider.Web.Jobs;

/// <summary>A job kind Hangfire runs on a cron schedule.</summary>
public sealed record RecurringJob(string Kind, string Cron);

/// <summary>
/// Registers every recurring job (each feature declares its own with <see cref="JobsServices.AddRecurringJob"/>) with
/// Hangfire when a worker process starts (AddOrUpdate is idempotent).
/// Registration retries in the background: a worker that starts while PostgreSQL is away waits for it instead of
/// failing to start (the reliability harness caught a worker dying that way).
/// </summary>
public sealed class RecurringJobs(IRecurringJobManager manager, IEnumerable<RecurringJob> schedule, ILogger<RecurringJobs> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromSeconds(1); !stoppingToken.IsCancellationRequested; delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30)))
        {
            try
            {
                foreach (var (kind, cron) in schedule)
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
