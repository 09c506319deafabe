using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Jobs;

/// <summary>A job that leaves an audit row per run, so tests can count runs in the database.</summary>
internal sealed class RecordingJob(Data.AddonDbContext db) : IJob
{
    public const string Kind = "test.record";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        db.AuditLog.Add(new AuditEntry { At = DateTime.UtcNow, Actor = "job", Action = Kind, RequestId = argument });
        await db.SaveChangesAsync(ct);
    }
}

public sealed class OutboxFixture : AppFixture
{
    protected override void ConfigureServices(IServiceCollection services) => services.AddJob<RecordingJob>(RecordingJob.Kind);
}

public sealed class OutboxTests(OutboxFixture app) : IClassFixture<OutboxFixture>
{
    private async Task<int> RunsAsync(string argument)
    {
        await using var db = app.Db();
        return await db.AuditLog.CountAsync(a => a.Action == RecordingJob.Kind && a.RequestId == argument);
    }

    /// <summary>Where a job got to, so a timeout says whether dispatch or execution stalled.</summary>
    private async Task<string> StateAsync(string argument)
    {
        await using var db = app.Db();
        var outbox = await db.Outbox.Where(m => m.Argument == argument).Select(m => m.DispatchedAt).ToListAsync();
        return $"outbox dispatched: [{string.Join(",", outbox)}], hangfire jobs: [{string.Join(",", await app.HangfireJobsAsync(RecordingJob.Kind, argument))}]";
    }

    [Fact]
    public async Task CommittedOutboxRow_IsDispatchedToHangfireAndRunsOnce()
    {
        var argument = Guid.NewGuid().ToString();
        await using (var db = app.Db())
        {
            db.Enqueue(RecordingJob.Kind, argument, DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await Eventually(async () => await RunsAsync(argument) > 0, because: $"the job for {argument} to run", state: () => StateAsync(argument));
        // Nothing is left that could run it again: the row is marked dispatched, so a further dispatcher pass moves
        // nothing, and the one Hangfire job it became has finished.
        await using var check = app.Db();
        Assert.NotNull((await check.Outbox.SingleAsync(m => m.Argument == argument)).DispatchedAt);
        Assert.Equal(0, await app.DispatchOutboxOnceAsync());
        await app.WaitForJobsToFinishAsync(argument);
        Assert.StartsWith("Succeeded|", Assert.Single(await app.HangfireJobsAsync(RecordingJob.Kind, argument)));
        Assert.Equal(1, await RunsAsync(argument));
    }

    [Fact]
    public async Task RolledBackOutboxRow_NeverRuns()
    {
        var argument = Guid.NewGuid().ToString();
        await using (var db = app.Db())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Enqueue(RecordingJob.Kind, argument, DateTime.UtcNow);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        var marker = Guid.NewGuid().ToString();
        await using (var db = app.Db())
        {
            db.Enqueue(RecordingJob.Kind, marker, DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        // The later row has run, so the dispatcher has passed the point where the rolled-back one would have been.
        await Eventually(async () => await RunsAsync(marker) == 1, because: $"the later job {marker} to run", state: () => StateAsync(marker));
        Assert.Equal(0, await app.DispatchOutboxOnceAsync());
        Assert.Empty(await app.HangfireJobsAsync(RecordingJob.Kind, argument));
        Assert.Equal(0, await RunsAsync(argument));
    }
}
