using AddonProvider.Data;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Sso;

/// <summary>
/// Deletes replay-guard rows whose token can no longer pass the timestamp check anyway. Idempotent, so running on
/// every web dyno at once is harmless; a missed run only leaves rows a little longer.
/// </summary>
public sealed class SsoTokenPurge(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SsoTokenPurge> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                try
                {
                    await PurgeAsync(scopes, clock, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Purging expired SSO token uses failed; will retry.");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public static async Task<int> PurgeAsync(IServiceScopeFactory scopes, TimeProvider clock, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AddonDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.SsoTokenUses.Where(u => u.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
