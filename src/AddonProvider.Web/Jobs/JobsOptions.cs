using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Jobs;

/// <summary>Job-server tuning; the defaults suit Heroku, the tests shorten the intervals.</summary>
/// <param name="PoolSize">
/// Hangfire's own Npgsql pool (separate from the app's <c>DB_POOL_SIZE</c>): each worker holds a connection while it
/// fetches, and the server's heartbeat, schedulers and watchdogs need a few more. Bounded so that a process's
/// connections are known (Heroku Postgres plans cap them); Npgsql's default would be 100.
/// </param>
public sealed record JobsOptions(TimeSpan QueuePollInterval, TimeSpan OutboxPollInterval, TimeSpan InvisibilityTimeout, int WorkerCount, int PoolSize)
{
    public static JobsOptions From(Settings settings)
    {
        var workers = settings.GetInt("JOBS_WORKER_COUNT", Math.Max(4, Environment.ProcessorCount * 2));
        return new(
            settings.GetDuration("JOBS_QUEUE_POLL_INTERVAL", TimeSpan.FromSeconds(1)),
            settings.GetDuration("JOBS_OUTBOX_POLL_INTERVAL", TimeSpan.FromSeconds(1)),
            settings.GetDuration("JOBS_INVISIBILITY_TIMEOUT", TimeSpan.FromMinutes(5)),
            workers,
            settings.GetInt("JOBS_DB_POOL_SIZE", workers + 10));
    }
}
