using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>The worker's side, for tests that drive it instead of waiting for its next poll.</summary>
public partial class AppFixture
{
    /// <summary>
    /// One pass of the worker's outbox dispatcher, now: moves committed, undispatched rows to Hangfire and returns how
    /// many it moved. Only in a process with the worker role, where the dispatcher also runs on its own poll.
    /// </summary>
    public Task<int> DispatchOutboxOnceAsync() =>
        App.Services.GetRequiredService<OutboxDispatcher>().DispatchBatchAsync(CancellationToken.None);

    /// <summary>
    /// Hangfire's jobs of <paramref name="kind"/> (every kind when empty) for <paramref name="argument"/>, oldest first,
    /// as "state|reason": the reason of a retry names the exception that failed the attempt.
    /// </summary>
    public async Task<List<string>> HangfireJobsAsync(string kind, string argument)
    {
        await using var db = Db();
        // A job being created has no state name yet: coalesce, or the whole line would be NULL.
        return await db.Database.SqlQuery<string>($"""
            SELECT coalesce(j.statename, '') || '|' || coalesce(s.reason, '') AS "Value"
            FROM hangfire.job j LEFT JOIN hangfire.state s ON s.id = j.stateid
            WHERE position({kind} in j.arguments::text) > 0 AND position({argument} in j.arguments::text) > 0 ORDER BY j.id
            """).ToListAsync();
    }

    /// <summary>
    /// Waits until the background work for <paramref name="argument"/> has settled: every outbox row for it handed to
    /// Hangfire, and every Hangfire job for it finished (succeeded, failed for good, or deleted) — so a test that
    /// asserts "nothing happened" looks after everything that could have happened, not after a guessed pause.
    /// </summary>
    public Task WaitForJobsToFinishAsync(string argument)
    {
        async Task<(int Undispatched, List<string> Jobs)> ReadAsync()
        {
            await using var db = Db();
            // Outbox first: the dispatcher creates the Hangfire job before it marks the row, so a row read as
            // dispatched here has its job in the read below.
            var undispatched = await db.Outbox.CountAsync(m => m.Argument == argument && m.DispatchedAt == null);
            return (undispatched, await HangfireJobsAsync("", argument));
        }
        return Eventually(async () =>
            {
                var (undispatched, jobs) = await ReadAsync();
                return undispatched == 0 && jobs.All(j => j.Split('|')[0] is "Succeeded" or "Failed" or "Deleted");
            },
            because: $"every job for {argument} to have run",
            state: async () =>
            {
                var (undispatched, jobs) = await ReadAsync();
                return $"{undispatched} outbox rows undispatched; jobs: {string.Join("; ", jobs)}";
            });
    }
}
