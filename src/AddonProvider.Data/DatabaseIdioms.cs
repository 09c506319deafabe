using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Data;

/// <summary>The few database idioms every feature uses, named once so their SQL and their meaning cannot drift apart.</summary>
public static class DatabaseIdioms
{
    /// <summary>
    /// The resource row, locked until the caller's transaction ends: serialises plan changes, deprovisions, rotations and
    /// quota-consuming edits of one resource. Tracked, so the caller can change it; null when there is no such resource
    /// (or it belongs to another product, when <paramref name="productId"/> is given).
    /// </summary>
    public static async Task<Resource?> LockResourceAsync(this AddonDbContext db, Guid id, string? productId, CancellationToken ct) =>
        // Not composed further: EF would wrap it in a subquery. xmin is a system column, so `*` leaves it out.
        (await db.Resources.FromSql($"SELECT *, xmin FROM resources WHERE id = {id} AND ({productId}::text IS NULL OR product_id = {productId}) FOR UPDATE")
            .ToListAsync(ct)).SingleOrDefault();

    /// <summary>The credentials in force: not revoked, and not replaced by a rotation (whose overlap ends at ExpiresAt).</summary>
    public static IQueryable<Credential> Current(this IQueryable<Credential> credentials, Guid resourceId) =>
        credentials.Where(c => c.ResourceId == resourceId && c.RevokedAt == null && c.ExpiresAt == null);

    /// <summary>The resource's current credential (the newest in force), untracked; null for a product that issues none.</summary>
    public static Task<Credential?> CurrentCredentialAsync(this AddonDbContext db, Guid resourceId, CancellationToken ct) =>
        db.Credentials.AsNoTracking().Current(resourceId).OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);

    /// <summary>Whether this failed save broke a unique constraint (<paramref name="constraint"/> when given, any otherwise).</summary>
    public static bool IsUniqueViolation(this Exception e, string? constraint = null) =>
        (e as PostgresException ?? e.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.UniqueViolation } p
        && (constraint is null || p.ConstraintName == constraint);
}
