using AddonProvider.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Jobs;

/// <summary>
/// Moves committed outbox rows into Hangfire. Runs on worker dynos; any number may run at once because each
/// batch is claimed with FOR UPDATE SKIP LOCKED. A crash after enqueueing but before marking a row dispatched
/// enqueues it again later, which idempotent jobs tolerate: at-least-once, never lost.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IBackgroundJobClient jobs, JobsOptions options, TimeProvider clock, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    public const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int dispatched;
            try
            {
                dispatched = await DispatchBatchAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox dispatch failed; retrying");
                dispatched = 0;
            }
            if (dispatched < BatchSize)
            {
                try { await Task.Delay(options.OutboxPollInterval, clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AddonDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Outbox
            .FromSql($"SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        if (batch.Count == 0) return 0;

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var message in batch)
        {
            if (message.RunAt is { } runAt && runAt > now)
                jobs.Schedule<JobRunner>(r => r.RunAsync(message.Kind, message.Argument, CancellationToken.None), new DateTimeOffset(runAt, TimeSpan.Zero));
            else
                jobs.Enqueue<JobRunner>(r => r.RunAsync(message.Kind, message.Argument, CancellationToken.None));
            message.DispatchedAt = now;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch.Count;
    }
}
