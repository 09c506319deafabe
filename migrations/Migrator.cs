using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using Hangfire.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Migrations;

/// <summary>The release-phase command: applies every migration to DATABASE_URL, then syncs the catalog. Safe to run twice.</summary>
public static class Migrator
{
    public static async Task<int> Main()
    {
        var url = Environment.GetEnvironmentVariable("DATABASE_URL");
        if (string.IsNullOrWhiteSpace(url))
        {
            await Console.Error.WriteLineAsync("DATABASE_URL is not set; it must point at the PostgreSQL database to migrate.");
            return 2;
        }
        var (applied, catalogChanges) = await MigrateAsync(DatabaseUrl.ToConnectionString(url));
        Console.WriteLine($"migrations applied: {applied}; catalog rows changed: {catalogChanges}");
        return 0;
    }

    public static async Task<(int Applied, int CatalogChanges)> MigrateAsync(string connectionString, CancellationToken ct = default)
    {
        await using var db = CreateContext(connectionString);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
        // EF Core takes a database lock while migrating, so two releases racing are safe.
        await db.Database.MigrateAsync(ct);
        await InstallJobSchemaAsync(connectionString, ct);
        var changes = await CatalogSync.SyncAsync(db, ct);
        return (pending, changes);
    }

    public const string JobSchema = "hangfire";

    /// <summary>Hangfire's own tables, installed here so no web or worker dyno ever changes the schema at start-up.</summary>
    private static async Task InstallJobSchemaAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        // Serialise concurrent releases; Hangfire's installer is idempotent but not concurrency-safe.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(727274)", connection)) await lockCmd.ExecuteNonQueryAsync(ct);
        try { PostgreSqlObjectsInstaller.Install(connection, JobSchema); }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(727274)", connection);
            await unlock.ExecuteNonQueryAsync(ct);
        }
    }

    public static AddonDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<AddonDbContext>()
            .UseNpgsql(connectionString, o => o.MigrationsAssembly(AddonDbContext.MigrationsAssembly))
            .Options);
}
