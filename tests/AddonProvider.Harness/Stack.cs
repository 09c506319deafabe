using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AddonProvider.Simulator;
using AddonProvider.Tests.Infrastructure;
using Npgsql;

namespace AddonProvider.Harness;

/// <summary>
/// Everything a harness run starts and owns: a private PostgreSQL cluster under /tmp on a free port, the
/// migrated database, the published web (<c>--role web</c>) and a worker (<c>--role worker</c>) with
/// <c>LOG_FORMAT=json</c> and their stdout/stderr appended to log files, and the simulated Heroku in-process.
/// Each run also invents its own Basic-auth passwords, SSO salts, OAuth client secrets and SECRETS_KEY, so the
/// secrets scan looks for values nobody else uses.
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    public static readonly string[] Products = ["mobiloud", "kafkacluster", "inference"];

    public required string Root { get; init; }
    public required string RunDir { get; init; }
    public required PostgresCluster Postgres { get; init; }
    public required int WebPort { get; init; }
    public required string DatabaseUrl { get; init; }
    public required Dictionary<string, string> Env { get; init; }
    public required HerokuSimulator.Running Simulator { get; init; }
    public required TextWriter Out { get; init; }
    public bool Keep { get; init; }
    /// <summary>A memory cgroup per role ("web", "worker") to start that host in (the memory-burst scenario).</summary>
    public Dictionary<string, string> Cgroups { get; } = [];
    public Process? Web { get; private set; }
    public Process? Worker { get; private set; }
    public string WebLog => Path.Combine(RunDir, "web.log");
    public string WorkerLog => Path.Combine(RunDir, "worker.log");
    public Uri ProviderUrl => new($"http://127.0.0.1:{WebPort}/");

    /// <summary>The secrets this run configured (name → value), for the logs scan.</summary>
    public IEnumerable<(string Kind, string Value)> ConfiguredSecrets =>
        Env.Where(kv => kv.Key.EndsWith("_PASSWORD") || kv.Key.EndsWith("_SSO_SALT") || kv.Key.EndsWith("_OAUTH_CLIENT_SECRET") || kv.Key == "SECRETS_KEY")
            .Select(kv => (kv.Key, kv.Value));

    public static async Task<Stack> StartAsync(bool build, bool keep, TextWriter output, bool startHosts = true)
    {
        var root = FindRoot();
        var runDir = Path.Combine(root, "artifacts", "harness", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        Directory.CreateDirectory(runDir);
        var webDir = Path.Combine(root, "artifacts", "harness", "web");
        var migrationsDll = Path.Combine(root, "migrations", "bin", "Release", "net10.0", "AddonProvider.Migrations.dll");
        if (build || !File.Exists(Path.Combine(webDir, "AddonProvider.Web.dll")) || !File.Exists(migrationsDll))
        {
            output.WriteLine("harness: dotnet publish -c Release src/AddonProvider.Web; dotnet build -c Release migrations");
            await RunAsync("dotnet", ["publish", "-c", "Release", "-v", "q", "-nologo", "src/AddonProvider.Web", "-o", webDir], root);
            await RunAsync("dotnet", ["build", "-c", "Release", "-v", "q", "-nologo", "migrations"], root);
        }

        // Fresh secrets per run. The web and worker read ADDON_*; the in-process simulator plays Heroku and reads
        // the same values from SIMULATOR_* (what ./dev.sh fills from the manifest command for a dev run).
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Staging",
            ["LOG_FORMAT"] = "json",
            ["SECRETS_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // Staging has no development defaults: everything contract.md requires is given, secrets generated.
            ["ADMIN_JWT_SIGNING_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["ADMIN_JWT_ISSUER"] = "addon-provider", ["ADMIN_JWT_AUDIENCE"] = "addon-provider-admin",
            ["KAFKA_BROKERS_US"] = "localhost:9092", ["KAFKA_BROKERS_EU"] = "localhost:9092",
            ["SMTP_URL"] = "smtp://127.0.0.1:2525", ["MAIL_FROM"] = "harness@example.test",
            ["OPERATORS_EMAIL"] = "operators@example.test", ["SECURITY_EMAIL"] = "security@example.test",
        };
        foreach (var p in Products)
        {
            var up = p.ToUpperInvariant();
            env[$"ADDON_{up}_PASSWORD"] = "harness-pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            env[$"ADDON_{up}_SSO_SALT"] = "harness-salt-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            env[$"ADDON_{up}_OAUTH_CLIENT_SECRET"] = "harness-oauth-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            foreach (var secret in new[] { "PASSWORD", "SSO_SALT", "OAUTH_CLIENT_SECRET" })
                Environment.SetEnvironmentVariable(AddonSecrets.Variable(p, secret), env[$"ADDON_{up}_{secret}"]);
        }
        // GC experiments and the like: HARNESS_HOST_<VAR>=value reaches both hosts as VAR=value, in every scenario.
        foreach (var (name, value) in MemoryBurst.HostVariables()) env[name] = value;

        var pgPort = PostgresCluster.FreePort();
        var postgres = await PostgresCluster.CreateAsync(Path.Combine("/tmp", $"addonprovider-harness-pg-{Guid.NewGuid():N}"), pgPort,
            noSync: false, "max_connections=200");
        var webPort = PostgresCluster.FreePort();
        var simPort = PostgresCluster.FreePort();
        var databaseUrl = $"postgres://postgres@127.0.0.1:{pgPort}/harness";
        env["DATABASE_URL"] = databaseUrl;
        env["PORT"] = webPort.ToString();
        env["PUBLIC_BASE_URL"] = $"http://127.0.0.1:{webPort}";
        env["HEROKU_API_URL"] = env["HEROKU_ID_URL"] = $"http://127.0.0.1:{simPort}";

        var sim = await HerokuSimulator.StartAsync($"http://127.0.0.1:{simPort}", $"http://127.0.0.1:{webPort}");
        var stack = new Stack
        {
            Root = root, RunDir = runDir, Postgres = postgres, WebPort = webPort, DatabaseUrl = databaseUrl,
            Env = env, Simulator = sim, Out = output, Keep = keep,
        };
        stack.StopOnSignals();
        await stack.StartPostgresAsync();
        await using (var admin = new NpgsqlConnection(postgres.AdminConnectionString + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand("CREATE DATABASE harness", admin).ExecuteNonQueryAsync();
        }
        await RunAsync("dotnet", [migrationsDll], root, env: env);
        output.WriteLine($"harness: PostgreSQL on 127.0.0.1:{pgPort} ({postgres.DataDir}), web on {webPort}, simulator on {simPort}, logs in {runDir}");
        if (!startHosts) return stack;
        await stack.StartWebAsync();
        stack.LaunchWorker();
        await stack.WaitForWorkerStartedAsync(TimeSpan.FromSeconds(90));
        return stack;
    }

    public async Task StartWebAsync()
    {
        LaunchWeb();
        await WaitForWebReadyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts the web process without waiting for it (a scenario may want it to start into an outage).</summary>
    public void LaunchWeb() => Web = Launch("web", WebLog);

    public void LaunchWorker() => Worker = Launch("worker", WorkerLog);

    /// <summary>The worker has no HTTP port: it is up when its host says so in its log.</summary>
    public async Task WaitForWorkerStartedAsync(TimeSpan max)
    {
        var until = DateTime.UtcNow + max;
        while (!(File.Exists(WorkerLog) && File.ReadAllText(WorkerLog).Contains("Application started", StringComparison.Ordinal)))
        {
            if (Worker!.HasExited) throw new InvalidOperationException($"the worker exited with {Worker.ExitCode} during start-up; see {WorkerLog}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"the worker did not start within {max.TotalSeconds:0} s; see {WorkerLog}");
            await Task.Delay(250);
        }
    }

    /// <summary>Until <c>/health/ready</c> answers 200 (the database answers and is migrated).</summary>
    public async Task WaitForWebReadyAsync(TimeSpan max)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + max;
        while (DateTime.UtcNow < until)
        {
            if (Web!.HasExited) throw new InvalidOperationException($"the web process exited with {Web.ExitCode} during start-up; see {WebLog}");
            try { using var r = await http.GetAsync(new Uri(ProviderUrl, "health/ready")); if (r.IsSuccessStatusCode) return; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the web process was not ready within {max.TotalSeconds:0} s; see {WebLog}");
    }

    /// <summary>SIGKILL: no drain, no flush; what a crashed dyno looks like.</summary>
    public void KillWeb()
    {
        Web!.Kill();
        Web.WaitForExit();
    }

    public Task StartPostgresAsync() => Postgres.StartAsync();

    public Task StopPostgresAsync() => Postgres.StopAsync("fast");

    public NpgsqlConnection Db() => new(Data.DatabaseUrl.ToConnectionString(DatabaseUrl) + ";Pooling=false");

    /// <summary>Resident memory of a process in MB (VmRSS), or null once it has gone.</summary>
    public static double? RssMb(Process p)
    {
        try
        {
            var line = File.ReadLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { return null; }
    }

    /// <summary>SIGTERM both hosts (they drain and flush their logs), then stop PostgreSQL and remove its data.</summary>
    public async Task StopServicesAsync()
    {
        foreach (var p in new[] { Web, Worker })
        {
            if (p is null || p.HasExited) continue;
            _ = sys_kill(p.Id, 15);
        }
        foreach (var p in new[] { Web, Worker })
        {
            if (p is null) continue;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(35));
            try { await p.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { p.Kill(); }
        }
    }

    private PosixSignalRegistration[] _signals = [];
    private int _disposed;

    /// <summary>
    /// Ctrl-C, SIGTERM or a closed terminal stop what this run started (pg_ctl puts PostgreSQL in its own session,
    /// so it would not see the terminal's signal) before the harness exits with 130.
    /// </summary>
    private void StopOnSignals() => _signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
        .Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true; // we exit ourselves, once everything is stopped
            if (Volatile.Read(ref _disposed) == 1) return; // already stopping; that path ends the run
            Out.WriteLine($"harness: {context.Signal}; stopping web, worker and PostgreSQL, then exiting");
            try { DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            finally { Environment.Exit(130); }
        }))
        .ToArray();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (var registration in _signals) registration.Dispose();
        await StopServicesAsync();
        await Simulator.DisposeAsync();
        try { await StopPostgresAsync(); } catch (InvalidOperationException) { } // already stopped
        if (!Keep) Postgres.Delete();
    }

    private Process Launch(string role, string log)
    {
        // sh execs dotnet with stdout/stderr appended to the log file, so the kernel writes the log (no pipe that
        // our own process could stall) and the pid we hold is the host's own: SIGKILL hits the host itself.
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Root, UseShellExecute = false };
        // With a cgroup, the shell enters it before exec, so everything the host ever allocates is charged there.
        var enter = Cgroups.TryGetValue(role, out var cgroup) ? "echo $$ >\"$HARNESS_CGROUP/cgroup.procs\" && " : "";
        foreach (var a in new[] { "-c", enter + "exec \"$0\" \"$@\" >>\"$HARNESS_LOG\" 2>&1", "dotnet",
                     Path.Combine(Root, "artifacts", "harness", "web", "AddonProvider.Web.dll"), "--role", role,
                     "--contentRoot", Path.Combine(Root, "artifacts", "harness", "web") })
            start.ArgumentList.Add(a);
        foreach (var (k, v) in Env) start.Environment[k] = v;
        start.Environment["HARNESS_LOG"] = log;
        if (cgroup is not null) start.Environment["HARNESS_CGROUP"] = cgroup;
        return Process.Start(start)!;
    }

    public static async Task RunAsync(string file, string[] args, string workingDir, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AddonProvider.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the harness from inside the AddonProvider checkout (AddonProvider.sln not found)");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int sys_kill(int pid, int signal);
}
