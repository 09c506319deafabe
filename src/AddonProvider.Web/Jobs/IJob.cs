namespace AddonProvider.Web.Jobs;

/// <summary>
/// One small unit of background work. The argument is an id; the job re-checks state and returns early when its
/// work is already done, so a retry or a second delivery is harmless. Exceptions escape so Hangfire retries.
/// </summary>
public interface IJob
{
    Task RunAsync(string argument, CancellationToken ct);
}
