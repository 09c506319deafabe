using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using System.Text.Json;
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
/// Recurring (hourly): applies <see cref="RetentionPolicy"/>. Resources deprovisioned longer ago than RETENTION_PERIOD
/// are purged in batches, each in one transaction: every table with a foreign key to resources loses the resource's
/// rows (found in the EF model, so a new table is covered — and refused if its decision is not Purge), as do outbox rows
/// naming it; the audit log, the resource's security reports and their replies, and advisory notifications that name
/// only purged resources stay with customer identities replaced by keyed pseudonyms; the resource row stays as a
/// tombstone, so a repeated DELETE from Heroku still answers 204. Then rows that go by age are swept.
/// A second run finds nothing left to do.
/// </summary>
public sealed class RetentionPurgeJob(AddonDbContext db, RetentionOptions options, Pseudonymiser pseudonyms, TimeProvider clock,
    ILogger<RetentionPurgeJob> logger) : IJob
{
    public const int BatchSize = 200;
    public const string Actor = "retention";
    public const string UnsentBecausePurged = "not sent: the recipient was removed by the retention purge";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var dependents = DependentTables(db.Model);
        int purged;
        do
        {
            purged = await PurgeBatchAsync(dependents, ct);
            if (purged > 0) logger.LogInformation("Purged the data of {Count} deprovisioned resources", purged);
        } while (purged == BatchSize && !ct.IsCancellationRequested);
        await SweepByAgeAsync(ct);
    }

    /// <summary>(table, resource-id column) of every entity that refers to a resource; each must be Purge in the policy.</summary>
    public static IReadOnlyList<(string Table, string Column)> DependentTables(IModel model)
    {
        var resource = model.FindEntityType(typeof(Resource))!;
        return model.GetEntityTypes()
            .SelectMany(e => e.GetForeignKeys())
            .Where(fk => fk.PrincipalEntityType == resource && fk.DeclaringEntityType != resource && fk.Properties.Count == 1)
            .Select(fk =>
            {
                var entity = fk.DeclaringEntityType;
                if (RetentionPolicy.For(entity).Decision != RetentionDecision.Purge)
                    throw new InvalidOperationException($"{entity.ClrType.Name} refers to resources but its retention decision is not Purge: handle it in RetentionPurgeJob.");
                var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
                return (Quote(entity.GetSchema(), entity.GetTableName()!), fk.Properties[0].GetColumnName(table)!);
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
        var arguments = ids.Select(id => id.ToString()).ToArray();
        var outbox = await db.Outbox.Where(m => arguments.Contains(m.Argument)).ExecuteDeleteAsync(ct);
        var anonymised = new
        {
            audit_log = await AnonymiseAuditAsync(ids, ct),
            security_reports = await AnonymiseReportsAsync(ids, ct),
            advisory_notifications = await AnonymiseNotificationsAsync(ids, ct),
        };
        foreach (var resource in batch)
        {
            resource.Name = null;
            resource.CallbackUrl = null;
            resource.HerokuId = null;
            resource.OwnerEmail = null;
            resource.OwnerEmailRefreshedAt = null;
            resource.PurgedAt = now;
            resource.UpdatedAt = now;
            db.AuditLog.Add(AuditLog.Entry(now, Actor, "purge", resource, detail: JsonSerializer.Serialize(new
            {
                tables = dependents.Select(d => d.Table.Trim('"')).Append("outbox"), anonymised = new[] { "audit_log", "security_reports", "security_report_replies", "advisory_notifications" },
                deprovisioned_at = resource.DeprovisionedAt,
            })));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogDebug("Purge batch: {Outbox} outbox rows deleted, anonymised {Anonymised}", outbox, anonymised);
        return batch.Count;
    }

    private async Task<int> AnonymiseAuditAsync(Guid[] ids, CancellationToken ct)
    {
        var rows = await db.AuditLog.Where(a => a.ResourceId != null && ids.Contains(a.ResourceId.Value)).ToListAsync(ct);
        foreach (var a in rows)
        {
            a.Actor = pseudonyms.Actor(a.Actor);
            a.Before = pseudonyms.Text(a.Before, AuditTextLength);
            a.After = pseudonyms.Text(a.After, AuditTextLength);
            a.Detail = pseudonyms.Json(a.Detail);
        }
        return rows.Count;
    }

    /// <summary>The reports stay (evidence about our service) without the reporter's identity; so do the replies.</summary>
    private async Task<int> AnonymiseReportsAsync(Guid[] ids, CancellationToken ct)
    {
        var reports = await db.SecurityReports.Where(r => r.ResourceId != null && ids.Contains(r.ResourceId.Value)).ToListAsync(ct);
        foreach (var r in reports)
        {
            r.ReporterEmail = pseudonyms.Identifier(r.ReporterEmail);
            r.ReporterName = null;
            r.Text = pseudonyms.Text(r.Text, ReportTextLength)!;
            r.Notes = pseudonyms.Text(r.Notes, ReportTextLength);
        }
        var reportIds = reports.Select(r => r.Id).ToArray();
        foreach (var reply in await db.SecurityReportReplies.Where(r => reportIds.Contains(r.ReportId)).ToListAsync(ct))
        {
            reply.ToEmail = reply.ToEmail is { } to ? pseudonyms.Identifier(to) : null; // null: withheld, never mailed
            reply.Body = pseudonyms.Text(reply.Body, ReportTextLength)!;
            reply.LastError = pseudonyms.Text(reply.LastError, ErrorLength);
            if (reply.Status is NotificationStatus.Pending or NotificationStatus.Sending)
                (reply.Status, reply.LastError) = (NotificationStatus.Failed, UnsentBecausePurged);
        }
        return reports.Count;
    }

    /// <summary>A notification names every resource its recipient was told about; it loses its address once all of them are purged.</summary>
    private async Task<int> AnonymiseNotificationsAsync(Guid[] ids, CancellationToken ct)
    {
        var rows = await db.AdvisoryNotifications.FromSql($"""
            SELECT n.* FROM advisory_notifications n
            WHERE n.resource_ids && {ids}
              AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = ANY(n.resource_ids) AND r.purged_at IS NULL AND r.id <> ALL({ids}))
            FOR UPDATE
            """).ToListAsync(ct);
        foreach (var n in rows)
        {
            n.Email = pseudonyms.Identifier(n.Email);
            n.EmailKey = pseudonyms.Identifier(n.EmailKey);
            n.LastError = pseudonyms.Text(n.LastError, ErrorLength);
            if (n.Status is NotificationStatus.Pending or NotificationStatus.Sending)
                (n.Status, n.LastError) = (NotificationStatus.Failed, UnsentBecausePurged);
        }
        return rows.Count;
    }

    /// <summary>Closed security reports (with their replies), finished notifications and dispatched outbox rows past their age.</summary>
    private async Task SweepByAgeAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var reportsBefore = now - RetentionPolicy.AgeLimitOf<SecurityReport>();
        var notificationsBefore = now - RetentionPolicy.AgeLimitOf<AdvisoryNotification>();
        var outboxBefore = now - RetentionPolicy.AgeLimitOf<OutboxMessage>();
        var reports = await db.SecurityReports
            .Where(r => (r.Status == SecurityReportStatus.Resolved || r.Status == SecurityReportStatus.Rejected) && r.UpdatedAt < reportsBefore)
            .ExecuteDeleteAsync(ct); // replies go with their report (ON DELETE CASCADE)
        var notifications = await db.AdvisoryNotifications
            .Where(n => (n.Status == NotificationStatus.Sent || n.Status == NotificationStatus.Failed || n.Status == NotificationStatus.Withheld)
                && n.UpdatedAt < notificationsBefore)
            .ExecuteDeleteAsync(ct);
        var outbox = await db.Outbox.Where(m => m.DispatchedAt != null && m.DispatchedAt < outboxBefore).ExecuteDeleteAsync(ct);
        if (reports + notifications == 0) return;
        db.AuditLog.Add(AuditLog.Entry(now, Actor, "retention_sweep", null,
            detail: JsonSerializer.Serialize(new { security_reports = reports, advisory_notifications = notifications, outbox })));
        await db.SaveChangesAsync(ct);
    }

    // The columns' lengths (Data/Configurations): a pseudonym may be longer than the address it replaces.
    private const int AuditTextLength = 200;
    private const int ErrorLength = 500;
    private const int ReportTextLength = 20_000;

    private static string Quote(string? schema, string table) => schema is null ? $"\"{table}\"" : $"\"{schema}\".\"{table}\"";
}
