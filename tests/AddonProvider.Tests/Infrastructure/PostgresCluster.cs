using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster made with the machine's <c>initdb</c>/<c>pg_ctl</c>, listening on 127.0.0.1 and a
/// port of its own; whoever creates it starts, stops and deletes it. Shared by the tests' <see cref="PostgresServer"/>
/// and the fault harness (tests/AddonProvider.Harness), which also stops and restarts it mid-run.
/// When we are root the tools run as <c>postgres</c> (initdb and postgres refuse root), from /tmp (postgres cannot
/// enter a 0700 home).
/// </summary>
public sealed class PostgresCluster
{
    private readonly string _bin;
    private readonly string[] _settings;

    private PostgresCluster(string bin, string dataDir, int port, string[] settings)
    {
        _bin = bin;
        DataDir = dataDir;
        Port = port;
        _settings = settings;
    }

    public string DataDir { get; }
    public int Port { get; }
    public string LogFile => Path.Combine(DataDir, "server.log");

    public string AdminConnectionString =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres" }.ConnectionString;

    /// <summary>initdb into <paramref name="dataDir"/>; <paramref name="settings"/> (<c>name=value</c>) apply at every start.</summary>
    public static async Task<PostgresCluster> CreateAsync(string dataDir, int port, bool noSync, params string[] settings)
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL's initdb/pg_ctl were not found: install the server binaries (`sudo apt-get install -y postgresql`).");
        Directory.CreateDirectory(dataDir);
        if (IsRoot) await RunAsync("chown", "postgres:postgres", dataDir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var cluster = new PostgresCluster(bin, dataDir, port, settings);
        await cluster.PgAsync("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", .. noSync ? ["--no-sync"] : Array.Empty<string>()]);
        return cluster;
    }

    public Task StartAsync() =>
        PgAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-w",
            "-o", string.Join(' ', new[] { $"-c listen_addresses=127.0.0.1 -p {Port} -k {DataDir}" }.Concat(_settings.Select(s => "-c " + s))), "start"]);

    /// <summary><c>pg_ctl stop</c>: <c>fast</c> ends sessions cleanly, <c>immediate</c> is a crash.</summary>
    public Task StopAsync(string mode = "fast") => PgAsync("pg_ctl", ["-D", DataDir, "-m", mode, "-w", "stop"]);

    public void Delete() => Directory.Delete(DataDir, recursive: true);

    /// <summary>The newest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, else a folder on PATH with initdb and pg_ctl.</summary>
    public static string? FindBin()
    {
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null) return newest;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(p => File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl")));
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task PgAsync(string tool, string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]) : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = Path.GetTempPath(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }
}
