using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using Microsoft.EntityFrameworkCore;

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
        var changes = await CatalogSync.SyncAsync(db, ct);
        return (pending, changes);
    }

    public static AddonDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<AddonDbContext>()
            .UseNpgsql(connectionString, o => o.MigrationsAssembly(AddonDbContext.MigrationsAssembly))
            .Options);
}
