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
        if (PostgresCluster.FindBin() is null)
            throw new InvalidOperationException(
                "PostgreSQL is needed for the tests and none was found. Either set ADDONPROVIDER_TEST_DB=postgres://user:pass@host:port/db, " +
                "or install the server binaries (`sudo apt-get install -y postgresql`), or run ./dev.sh test, which installs them.");

        var port = FreePort();
        var cluster = await PostgresCluster.CreateAsync(Path.Combine(Path.GetTempPath(), $"addonprovider-test-pg-{Environment.ProcessId}-{port}"), port,
            noSync: true, "fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300");
        await cluster.StartAsync();
        return new PostgresServer(cluster.AdminConnectionString, async () =>
        {
            await cluster.StopAsync("immediate");
            cluster.Delete();
        });
    }

    public static int FreePort() => PostgresCluster.FreePort();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
