using Hangfire;

namespace AddonProvider.Web.Jobs;

/// <summary>Every recurring job, in one place. Registered by worker processes at start-up (AddOrUpdate is idempotent).</summary>
public sealed class RecurringJobs(IRecurringJobManager manager) : IHostedService
{
    public static readonly IReadOnlyList<(string Kind, string Cron)> Schedule =
    [
        (JobKinds.PurgeDeprovisioned, "17 * * * *"),        // hourly
        (JobKinds.SweepKafkaProvisioning, "*/10 * * * *"),  // every 10 minutes
        (JobKinds.RefreshStaleOwnerEmails, "40 3 * * *"),   // daily
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (kind, cron) in Schedule)
            manager.AddOrUpdate<JobRunner>(kind, r => r.RunAsync(kind, "", CancellationToken.None), cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
