using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Jobs;

/// <summary>Job-server tuning; the defaults suit Heroku, the tests shorten the intervals.</summary>
public sealed record JobsOptions(TimeSpan QueuePollInterval, TimeSpan OutboxPollInterval, TimeSpan InvisibilityTimeout, int WorkerCount)
{
    public static JobsOptions From(Settings settings) => new(
        settings.GetDuration("JOBS_QUEUE_POLL_INTERVAL", TimeSpan.FromSeconds(1)),
        settings.GetDuration("JOBS_OUTBOX_POLL_INTERVAL", TimeSpan.FromSeconds(1)),
        settings.GetDuration("JOBS_INVISIBILITY_TIMEOUT", TimeSpan.FromMinutes(5)),
        settings.GetInt("JOBS_WORKER_COUNT", Math.Max(4, Environment.ProcessorCount * 2)));
}
