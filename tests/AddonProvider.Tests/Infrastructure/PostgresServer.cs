using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AddonProvider.Migrations;
using Npgsql;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL the test run uses: ADDONPROVIDER_TEST_DB when set, else a throwaway cluster started with
/// the machine's initdb/pg_ctl. Migrations run once into a template database; every fixture gets a fresh copy.
/// Never skips: without PostgreSQL the run fails and says how to get it.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Instance = new(StartAsync);
    private const string Template = "addonprovider_template";

    private readonly string _adminConnectionString;
    private readonly Func<Task>? _stop;
    private int _databases;

    private PostgresServer(string adminConnectionString, Func<Task>? stop)
    {
        _adminConnectionString = adminConnectionString;
        _stop = stop;
    }

    public static Task<PostgresServer> GetAsync() => Instance.Value;

    public string Host => new NpgsqlConnectionStringBuilder(_adminConnectionString).Host!;
    public int Port => new NpgsqlConnectionStringBuilder(_adminConnectionString).Port;

    /// <summary>A new, migrated database with the catalog, for one fixture.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await ExecuteAsync(_adminConnectionString, $"CREATE DATABASE {name} TEMPLATE {Template}");
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>A <c>postgres://</c> URL, the form DATABASE_URL takes.</summary>
    public static string ToUrl(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var auth = b.Password is null ? Uri.EscapeDataString(b.Username!) : $"{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password)}";
        return $"postgres://{auth}@{b.Host}:{b.Port}/{b.Database}";
    }

    private static async Task<PostgresServer> StartAsync()
    {
        PostgresServer server;
        if (Environment.GetEnvironmentVariable("ADDONPROVIDER_TEST_DB") is { Length: > 0 } given)
            server = new PostgresServer(Data.DatabaseUrl.ToConnectionString(given), null);
        else
            server = await StartLocalClusterAsync();

        await ExecuteAsync(server._adminConnectionString, $"DROP DATABASE IF EXISTS {Template}");
        await ExecuteAsync(server._adminConnectionString, $"CREATE DATABASE {Template}");
        await Migrator.MigrateAsync(server.ConnectionString(Template));
        NpgsqlConnection.ClearAllPools(); // a template must have no open connections when it is copied
        if (server._stop is { } stop)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop().GetAwaiter().GetResult();
        return server;
    }

    private static async Task<PostgresServer> StartLocalClusterAsync()
    {
        var bin = FindPostgresBin() ?? throw new InvalidOperationException(
            "PostgreSQL is needed for the tests and none was found. Either set ADDONPROVIDER_TEST_DB=postgres://user:pass@host:port/db, " +
            "or install the server binaries (`sudo apt-get install -y postgresql`), or run ./dev.sh test, which installs them.");

        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), $"addonprovider-test-pg-{Environment.ProcessId}-{port}");
        var asRoot = Environment.UserName == "root";
        Directory.CreateDirectory(data);
        if (asRoot) await RunAsync("chown", "postgres:postgres", data); // initdb and postgres refuse to run as root

        await RunPgAsync(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await RunPgAsync(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(data, "log"), "-w",
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start");

        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres" }.ConnectionString;
        return new PostgresServer(admin, async () =>
        {
            await RunPgAsync(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop");
            Directory.Delete(data, recursive: true);
        });
    }

    private static string? FindPostgresBin()
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
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(p => File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl")));
        return onPath;
    }

    private static Task RunPgAsync(bool asRoot, string file, params string[] args) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
