namespace AddonProvider.Web.Jobs;

/// <summary>
/// A worker that has just sent 10,000 advisory emails keeps the heap it grew for them: once it is idle nothing
/// allocates, so nothing collects, and the dyno sits near its peak. When the process has allocated next to nothing for
/// <see cref="Every"/> and the collector holds <see cref="GrowthBytes"/> more than after the last such collection,
/// one aggressive, compacting collection gives the memory back (the web's request budget does the same after large
/// bodies). Measured in the memory-burst harness (tests/AddonProvider.Benchmarks/results/2026-11-30-memory-return.md).
/// </summary>
public sealed class IdleMemoryTrim : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    /// <summary>Allocated within <see cref="Every"/> below this, the process counts as idle (Hangfire's polling is far less).</summary>
    public const long IdleBelowBytes = 2L * 1024 * 1024;
    public const long GrowthBytes = 16L * 1024 * 1024;

    public static readonly System.Diagnostics.Metrics.Counter<long> Trims =
        Hosting.Telemetry.Meter.CreateCounter<long>("addon.idle_memory.trims", description: "Aggressive collections by an idle worker that had grown");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var baseline = GC.GetGCMemoryInfo().TotalCommittedBytes;
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                var idle = now - allocated < IdleBelowBytes;
                allocated = now;
                if (!idle || GC.GetGCMemoryInfo().TotalCommittedBytes - baseline < GrowthBytes) continue;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                Trims.Add(1);
                allocated = GC.GetTotalAllocatedBytes();
                baseline = GC.GetGCMemoryInfo().TotalCommittedBytes;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
