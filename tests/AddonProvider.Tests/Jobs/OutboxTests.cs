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
        var jobs = await db.Database.SqlQuery<string>($"SELECT statename AS \"Value\" FROM hangfire.job WHERE arguments LIKE {"%" + argument + "%"}").ToListAsync();
        return $"the job for {argument} to run (outbox dispatched: [{string.Join(",", outbox)}], hangfire states: [{string.Join(",", jobs)}])";
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

        await AppFixture.EventuallyAsync(async () => await RunsAsync(argument) == 1, () => StateAsync(argument));
        await using var check = app.Db();
        Assert.NotNull((await check.Outbox.SingleAsync(m => m.Argument == argument)).DispatchedAt);
        await Task.Delay(1000); // a second dispatch would have happened by now
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
        await AppFixture.EventuallyAsync(async () => await RunsAsync(marker) == 1, () => StateAsync(marker));
        Assert.Equal(0, await RunsAsync(argument));
    }
}
