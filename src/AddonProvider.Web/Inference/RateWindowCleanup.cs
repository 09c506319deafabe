using AddonProvider.Data;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Admissions trim their own (resource, model) window; this sweeps the windows of pairs that went quiet.
/// Any number of dynos may run it: the delete is idempotent.
/// </summary>
public sealed class RateWindowCleanup(IServiceScopeFactory scopes, ILogger<RateWindowCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        while (await TickAsync(timer, stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AddonDbContext>();
                await db.Database.ExecuteSqlRawAsync(
                    "DELETE FROM inference_rate_events WHERE at < clock_timestamp() - interval '2 minutes'", stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sweeping old inference rate-window rows failed; the next sweep retries.");
            }
            catch (Exception) // stopping: the host is going away
            {
                return;
            }
        }
    }

    /// <summary>Shutting down is the normal end of this loop, not an error to report.</summary>
    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
