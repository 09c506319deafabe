using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AddonProvider.Web.Jobs;

/// <summary>How long a deprovisioned resource's data is kept (RETENTION_PERIOD).</summary>
public sealed record RetentionOptions(TimeSpan Period)
{
    public static RetentionOptions From(Settings settings) => new(settings.GetDuration("RETENTION_PERIOD", TimeSpan.FromDays(30)));
}

/// <summary>
/// Recurring: deletes the data of resources deprovisioned longer ago than RETENTION_PERIOD. Every table whose
/// entity has a foreign key to <see cref="Resource"/> is emptied of the resource's rows — found in the EF model, so
/// tables added later are covered without touching this job. The resource row stays as a tombstone (id, product,
/// state, dates) with its personal fields cleared, and the audit log (no foreign key) is kept, so a repeated
/// DELETE from Heroku still answers 204.
/// </summary>
public sealed class RetentionPurgeJob(AddonDbContext db, RetentionOptions options, TimeProvider clock, ILogger<RetentionPurgeJob> logger) : IJob
{
    public const int BatchSize = 200;
    public const string Actor = "retention";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var dependents = DependentTables(db.Model);
        int purged;
        do
        {
            purged = await PurgeBatchAsync(dependents, ct);
            if (purged > 0) logger.LogInformation("Purged the data of {Count} deprovisioned resources", purged);
        } while (purged == BatchSize && !ct.IsCancellationRequested);
    }

    /// <summary>(table, resource-id column) of every entity that refers to a resource.</summary>
    public static IReadOnlyList<(string Table, string Column)> DependentTables(IModel model)
    {
        var resource = model.FindEntityType(typeof(Resource))!;
        return model.GetEntityTypes()
            .SelectMany(e => e.GetForeignKeys())
            .Where(fk => fk.PrincipalEntityType == resource && fk.DeclaringEntityType != resource && fk.Properties.Count == 1)
            .Select(fk =>
            {
                var table = StoreObjectIdentifier.Table(fk.DeclaringEntityType.GetTableName()!, fk.DeclaringEntityType.GetSchema());
                return (Quote(fk.DeclaringEntityType.GetSchema(), fk.DeclaringEntityType.GetTableName()!), fk.Properties[0].GetColumnName(table)!);
            })
            .Distinct().OrderBy(t => t.Item1).ToList();
    }

    private async Task<int> PurgeBatchAsync(IReadOnlyList<(string Table, string Column)> dependents, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now - options.Period;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Resources
            .FromSql($"""
                SELECT *, xmin FROM resources
                WHERE state = {ResourceState.Deprovisioned.Stored()} AND deprovisioned_at < {cutoff} AND purged_at IS NULL
                ORDER BY deprovisioned_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        if (batch.Count == 0) return 0;
        var ids = batch.Select(r => r.Id).ToArray();

        foreach (var (table, column) in dependents)
#pragma warning disable EF1002 // table and column names come from our own EF model, never from input; the ids are a parameter
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM {table} WHERE \"{column}\" = ANY(@p0)", [ids], ct);
#pragma warning restore EF1002
        foreach (var resource in batch)
        {
            resource.Name = null;
            resource.CallbackUrl = null;
            resource.HerokuId = null;
            resource.OwnerEmail = null;
            resource.PurgedAt = now;
            resource.UpdatedAt = now;
            db.AuditLog.Add(AuditLog.Entry(now, Actor, "purge", resource, detail:
                System.Text.Json.JsonSerializer.Serialize(new { tables = dependents.Select(d => d.Table), deprovisioned_at = resource.DeprovisionedAt })));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch.Count;
    }

    private static string Quote(string? schema, string table) => schema is null ? $"\"{table}\"" : $"\"{schema}\".\"{table}\"";
}
