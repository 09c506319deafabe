using AddonProvider.Web.Hosting;
using Hangfire;

namespace AddonProvider.Web.Jobs;

/// <summary>
/// What Hangfire actually stores and runs: a job kind and its id argument. Resolving the job by kind keeps
/// Hangfire's stored payload independent of our class names, so renaming a class never strands queued work.
/// </summary>
public sealed class JobRunner(IServiceProvider services, ILogger<JobRunner> logger)
{
    [JobDisplayName("{0} {1}")]
    [AutomaticRetry(Attempts = 12, DelaysInSeconds = [2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200])]
    public async Task RunAsync(string kind, string argument, CancellationToken ct)
    {
        var job = services.GetKeyedService<IJob>(kind)
            ?? throw new InvalidOperationException($"No job is registered for kind '{kind}'.");
        var started = TimeProvider.System.GetTimestamp();
        using var activity = Telemetry.Source.StartActivity($"job {kind}");
        var outcome = "failed";
        try
        {
            await job.RunAsync(argument, ct);
            outcome = "succeeded";
        }
        finally
        {
            var elapsed = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
            Telemetry.JobDuration.Record(elapsed, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
            logger.LogInformation("Job {Kind} {Argument} {Outcome} in {Elapsed} ms", kind, argument, outcome, (int)elapsed);
        }
    }
}
