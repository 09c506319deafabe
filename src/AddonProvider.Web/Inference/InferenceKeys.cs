using System.Collections.Concurrent;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Who is calling: the resource a valid key belongs to, with what its plan lets it call. <see cref="Suspended"/>: the key
/// is valid but an operator has suspended the resource, so authentication refuses it (403) and it is never a caller.
/// </summary>
public sealed record InferenceCaller(Guid ResourceId, string PlanSlug, string Region, string? DefaultModelId, bool Suspended = false);

/// <summary>
/// Finds the resource behind a bearer key by its keyed hash. Answers (found or not) are cached per process for
/// INFERENCE_KEY_CACHE_TTL (≤ 4 s), so a revocation, rotation expiry or deprovision reaches every dyno within 5 s
/// while a busy key costs one query per second, not one per request. The expiry instant itself is cached,
/// so a rotated-out key stops at exactly its ExpiresAt. A suspension and a resume are read by the same query, so they
/// reach every dyno within the same TTL.
/// </summary>
public sealed class InferenceKeys(SecretBox secrets, InferenceSettings settings, TimeProvider clock)
{
    public const string Prefix = "inf-";
    /// <summary>Characters after the prefix: every key we issue is <c>inf-</c> + 48 of [A-Za-z0-9].</summary>
    public const int SecretLength = 48;
    private const int MaxEntries = 100_000;

    private sealed record KeyRow(Guid ResourceId, string PlanSlug, string Region, string? ModelId, ResourceState State, DateTime? RevokedAt, DateTime? ExpiresAt, DateTime? SuspendedAt);
    private sealed record Entry(KeyRow? Row, long LoadedAt);

    private readonly ConcurrentDictionary<string, Entry> _cache = new();

    /// <summary>Shaped like a key we issue; anything else is refused without a look-up.</summary>
    public static bool IsWellFormed(string key) =>
        key.Length == Prefix.Length + SecretLength && key.StartsWith(Prefix, StringComparison.Ordinal) && !key.AsSpan(Prefix.Length).ContainsAnyExcept(KeyChars);

    private static readonly System.Buffers.SearchValues<char> KeyChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    public async Task<InferenceCaller?> FindAsync(string key, AddonDbContext db, CancellationToken ct)
    {
        if (!IsWellFormed(key)) return null;
        var hashes = secrets.LookupHashes(key);
        var cacheKey = Convert.ToBase64String(hashes[0]);
        var now = clock.GetTimestamp();

        if (!_cache.TryGetValue(cacheKey, out var entry) || clock.GetElapsedTime(entry.LoadedAt, now) >= settings.KeyCacheTtl)
        {
            var row = await LoadAsync(hashes, db, ct);
            entry = new Entry(row, now);
            if (_cache.Count >= MaxEntries) _cache.Clear(); // a flood of unknown keys must not grow memory without bound
            _cache[cacheKey] = entry;
        }

        var r = entry.Row;
        var utcNow = clock.GetUtcNow().UtcDateTime;
        if (r is null || r.State != ResourceState.Provisioned || r.RevokedAt is not null || (r.ExpiresAt is { } exp && exp <= utcNow))
            return null;
        return new InferenceCaller(r.ResourceId, r.PlanSlug, r.Region, r.ModelId, r.SuspendedAt is not null);
    }

    private static async Task<KeyRow?> LoadAsync(byte[][] hashes, AddonDbContext db, CancellationToken ct)
    {
        var rows = await (
            from c in db.Credentials.AsNoTracking()
            join r in db.Resources.AsNoTracking() on c.ResourceId equals r.Id
            // The null test first: without it EF Core adds "OR (lookup_hash IS NULL AND array_position(...))" for
            // null semantics, a plan PostgreSQL sometimes answered with a scan of every credential.
            where c.Kind == CredentialKind.InferenceKey && c.LookupHash != null && hashes.Contains(c.LookupHash)
            select new KeyRow(r.Id, r.PlanSlug, r.Region, r.ModelId, r.State, c.RevokedAt, c.ExpiresAt, r.SuspendedAt)).ToListAsync(ct);
        return rows.FirstOrDefault();
    }
}
