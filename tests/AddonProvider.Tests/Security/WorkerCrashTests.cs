using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Security;

public sealed class WorkerCrashFixture : AdminFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["MAIL_MAX_ATTEMPTS"] = "5" };

    /// <summary>The real worker: `dotnet AddonProvider.Web.dll --role worker` on this fixture's database, one job at a time.</summary>
    public WorkerProcess StartWorker(StringBuilder log)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AddonProvider.Web.dll");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--role");
        psi.ArgumentList.Add("worker");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DATABASE_URL"] = PostgresServer.ToUrl(ConnectionString),
            ["PUBLIC_BASE_URL"] = PublicBaseUrl,
            ["SMTP_URL"] = Smtp.Url,
            ["MAIL_FROM"] = "security@provider.example",
            ["MAIL_BATCH_SIZE"] = "3",
            ["JOBS_WORKER_COUNT"] = "1", // batches run one after another, so "between batches" is a real point
            ["JOBS_QUEUE_POLL_INTERVAL"] = "200ms",
            ["JOBS_OUTBOX_POLL_INTERVAL"] = "100ms",
            ["JOBS_INVISIBILITY_TIMEOUT"] = "3s",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }
}

/// <summary>A worker process that is killed (SIGKILL) when disposed, so a test that fails midway leaves none running.</summary>
public sealed class WorkerProcess(Process process) : IAsyncDisposable
{
    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}

/// <summary>
/// A worker process killed with SIGKILL at each deterministic point of the fan-out, then another worker finishing:
/// every recipient still gets exactly one email. The SMTP server holds the chosen message or connection until the kill.
/// </summary>
public sealed class WorkerCrashTests(WorkerCrashFixture app) : IClassFixture<WorkerCrashFixture>
{
    private async Task<(Guid Id, List<string> Emails)> PublishToAsync(int recipients)
    {
        var emails = Enumerable.Range(0, recipients).Select(i => $"crash{i}-{Guid.NewGuid():N}@customer.example").ToList();
        var ids = new List<Guid>();
        foreach (var e in emails) ids.Add((await app.ResourceAsync("kafkacluster", "starter", "us", e)).Id);
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", AdvisoryApiTests.Body(new { resourceIds = ids }));
        var id = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish");
        await published.ExpectAsync(HttpStatusCode.Accepted);
        return (id, emails);
    }

    private async Task<Dictionary<NotificationStatus, int>> StatusesAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id).GroupBy(n => n.Status)
            .ToDictionaryAsync(g => g.Key, g => g.Count());
    }

    private Task<SmtpListener.Message?> WaitHeldAsync(StringBuilder log) =>
        Eventually(app.Smtp.Held.Task, because: "the worker to reach the held point", timeout: TimeSpan.FromSeconds(90),
            state: () => $"worker output:\n{Output(log)}");

    private static string Output(StringBuilder log) { lock (log) return log.ToString(); }

    private async Task FinishWithSecondWorkerAsync(Guid id, List<string> emails, StringBuilder log)
    {
        await using (app.StartWorker(log))
        {
            await Eventually(async () => (await StatusesAsync(id)).GetValueOrDefault(NotificationStatus.Sent) == emails.Count,
                because: "the second worker to send every message", timeout: TimeSpan.FromSeconds(90),
                state: async () => $"statuses {string.Join(", ", await StatusesAsync(id))}; worker output:\n{Output(log)}");
        }
        foreach (var e in emails) Assert.Single(app.Smtp.AcceptedFor(e));
    }

    [Fact]
    public async Task WorkerKilledWhileAMessageIsInFlight_AnotherWorkerResendsItOnceWithTheSameMessageId()
    {
        var log = new StringBuilder();
        var firstData = app.Smtp.Seen.Count;
        app.Smtp.ResetHold(dataNumber: n => n == firstData + 2);
        var (id, emails) = await PublishToAsync(5);
        await using var first = app.StartWorker(log);
        var inFlight = await WaitHeldAsync(log);

        // The held message's row is marked `sending` before SMTP got it; the first message is sent and recorded.
        var before = await StatusesAsync(id);
        Assert.Equal(1, before.GetValueOrDefault(NotificationStatus.Sending));
        Assert.Equal(1, before.GetValueOrDefault(NotificationStatus.Sent));
        await first.KillAsync();
        app.Smtp.ReleaseHeld(SmtpListener.Release.Drop);

        await FinishWithSecondWorkerAsync(id, emails, log);
        var recipient = inFlight!.To.Single();
        Assert.Equal(inFlight.MessageId, app.Smtp.AcceptedFor(recipient).Single().MessageId);
        await using var db = app.Db();
        Assert.Equal(2, (await db.AdvisoryNotifications.SingleAsync(n => n.AdvisoryId == id && n.EmailKey == recipient)).Attempts);
    }

    [Fact]
    public async Task WorkerKilledBetweenBatches_AnotherWorkerSendsOnlyTheRest()
    {
        var log = new StringBuilder();
        var firstSession = app.Smtp.Sessions;
        app.Smtp.ResetHold(greetingNumber: n => n == firstSession + 2);
        var (id, emails) = await PublishToAsync(5);
        await using var first = app.StartWorker(log);
        await WaitHeldAsync(log);

        var before = await StatusesAsync(id);
        Assert.Equal(3, before.GetValueOrDefault(NotificationStatus.Sent)); // the first batch, complete
        Assert.Equal(2, before.GetValueOrDefault(NotificationStatus.Pending));
        await first.KillAsync();
        app.Smtp.ReleaseHeld(SmtpListener.Release.Drop);

        await FinishWithSecondWorkerAsync(id, emails, log);
        await using var db = app.Db();
        Assert.All(await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id).ToListAsync(), n => Assert.Equal(1, n.Attempts));
    }

    [Fact]
    public async Task TokenCommand_PrintsOnlyAJwtTheApiAccepts()
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "AddonProvider.Web.dll"), "token", "--subject", "bob", "--role", "operator", "--ttl", "15m" })
            psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Matches(@"^[\w-]+\.[\w-]+\.[\w-]+$", stdout);

        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/resources");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stdout);
        using var response = await app.Client.SendAsync(request);
        await response.ExpectAsync(HttpStatusCode.OK);
    }
}
