using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Jobs;

/// <summary>
/// The service answers HTTP only; two real worker processes (`AddonProvider.Web.dll --role worker`) run the jobs,
/// with a 3-second invisibility timeout so a dead worker's job is taken over quickly.
/// </summary>
public sealed class TwoWorkersFixture : HerokuFixture
{
    private readonly List<Process> _workers = [];

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["role"] = "web" };

    public IReadOnlyList<Process> Workers => _workers;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var dll = WebDll();
        for (var i = 0; i < 2; i++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add("--role");
            psi.ArgumentList.Add("worker");
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            psi.Environment["DATABASE_URL"] = PostgresServer.ToUrl(ConnectionString);
            psi.Environment["PUBLIC_BASE_URL"] = PublicBaseUrl;
            psi.Environment["HEROKU_API_URL"] = Simulator.BaseAddress.ToString();
            psi.Environment["HEROKU_ID_URL"] = Simulator.BaseAddress.ToString();
            psi.Environment["JOBS_INVISIBILITY_TIMEOUT"] = "3s";
            psi.Environment["JOBS_QUEUE_POLL_INTERVAL"] = "200ms";
            psi.Environment["JOBS_OUTBOX_POLL_INTERVAL"] = "100ms";
            psi.Environment["JOBS_WORKER_COUNT"] = "2";
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _workers.Add(process);
        }
    }

    /// <summary>The web project's own build output, next to this test project's (same configuration).</summary>
    private static string WebDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory); // tests/AddonProvider.Tests/bin/<Configuration>/net10.0/
        var configuration = bin.Parent!.Name;
        var root = bin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "AddonProvider.Web", "bin", configuration, bin.Name, "AddonProvider.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the worker runs from the web project's output.", dll);
    }

    public override async Task DisposeAsync()
    {
        foreach (var w in _workers)
        {
            if (!w.HasExited) w.Kill();
            await w.WaitForExitAsync();
            w.Dispose();
        }
        await base.DisposeAsync();
    }
}

public sealed class WorkerCrashTests(TwoWorkersFixture app) : IClassFixture<TwoWorkersFixture>
{
    private static int Pid(Simulator.RecordedCall call) => int.Parse(Regex.Match(call.UserAgent ?? "", @"pid (\d+)").Groups[1].Value);

    [Fact]
    public async Task WorkerKilledMidJob_ItsWorkIsFinishedByTheOtherWorker()
    {
        var id = Guid.NewGuid();
        app.Heroku.HoldNext($"/addons/{id}/config"); // the job stops mid-way, inside the config PATCH
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForCallAsync(c => c.Path == $"/addons/{id}/config" && c.Status == 0, "a worker to be inside the config PATCH", timeout: TimeSpan.FromSeconds(60));

        var held = app.Heroku.CallsFor(id).Single(c => c.Method == "PATCH");
        var victim = app.Workers.Single(w => w.Id == Pid(held));
        var survivor = app.Workers.Single(w => w.Id != victim.Id);
        victim.Kill(); // SIGKILL: no shutdown, no cleanup, the job's row stays fetched
        await victim.WaitForExitAsync();
        Assert.Equal(ResourceState.Provisioning, await app.StateAsync(id));

        await app.WaitForStateAsync(id, ResourceState.Provisioned, timeout: TimeSpan.FromSeconds(60));
        var calls = app.Heroku.CallsFor(id).Where(c => c.Method != "GET").ToList();
        Assert.Equal(499, calls[0].Status); // the killed worker never got its answer
        var patch = calls.Single(c => c.Method == "PATCH" && c.Status == 200);
        var provision = calls.Single(c => c.Path.EndsWith("/actions/provision"));
        Assert.Equal((survivor.Id, survivor.Id), (Pid(patch), Pid(provision)));
        Assert.True(patch.Seq < provision.Seq);
        Assert.False(survivor.HasExited);
        await using var db = app.Db();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.ResourceId == id && a.Action == "provisioned"));
    }
}
