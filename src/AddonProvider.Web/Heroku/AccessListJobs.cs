using System.Net;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Heroku;

/// <summary>
/// Reads a resource's user access list from the Platform API (Heroku's "user access list" article): the add-on's app
/// and billing entity, the app's owner and collaborators with their permissions, and — when a team pays — the team's
/// members with their roles; then replaces the stored list in one transaction. A 403 or 404 (the grant lost its reach,
/// the app moved) keeps the last known list and records why; security mail still reaches the owner email. Other
/// failures escape, so Hangfire retries. A resource without a grant has no list: nothing happens.
/// </summary>
public sealed class RefreshAccessListJob(AddonDbContext db, PlatformApiClient platform, TimeProvider clock, ILogger<RefreshAccessListJob> logger) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        var live = await db.Resources.AnyAsync(r => r.Id == id && (r.State == ResourceState.Provisioned || r.State == ResourceState.Provisioning), ct);
        if (!live || !await db.HerokuTokens.AnyAsync(t => t.ResourceId == id && (t.RefreshTokenCiphertext != null || t.GrantCodeCiphertext != null), ct)) return;

        Read read;
        try
        {
            read = await ReadAsync(id, ct);
        }
        catch (PlatformApiException e) when (e.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            logger.LogWarning("User access list of {ResourceId} not refreshed: {Error}; the last known list stays", id, e.Message);
            await SaveAsync(id, list => { list.LastError = e.Message.Length <= 200 ? e.Message : e.Message[..200]; }, null, ct);
            return;
        }
        catch (NoPlatformTokenException)
        {
            return; // the grant was refused: there is no list to read
        }
        await SaveAsync(id, list =>
        {
            (list.AppId, list.AppName, list.TeamId, list.TeamName) = (read.AppId, read.AppName, read.TeamId, read.TeamName);
            list.RefreshedAt = clock.GetUtcNow().UtcDateTime;
            list.LastError = null;
        }, read.Entries, ct);
        logger.LogInformation("User access list of {ResourceId}: {Count} entries", id, read.Entries.Count);
    }

    private sealed record Read(string AppId, string? AppName, string? TeamId, string? TeamName, List<AccessListEntry> Entries);

    private async Task<Read> ReadAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var addon = await platform.GetAddonAsync(id, ct);
        if (addon.App?.Id is not { Length: > 0 and <= 100 } appId)
            throw new PlatformApiException("GET addon (no app)", HttpStatusCode.NotFound);
        var app = await platform.GetAppAsync(id, appId, ct);
        var collaborators = await platform.GetCollaboratorsAsync(id, appId, ct);
        var team = addon.BillingEntity is { Type: "team", Id: { Length: > 0 and <= 100 } } be ? be : null;
        var members = team is null ? [] : await platform.GetTeamMembersAsync(id, team.Id, ct);

        var entries = new List<AccessListEntry>();
        void Add(string source, string? userId, string? email, IEnumerable<string> permissions, string? role)
        {
            if (email?.Trim() is not { Length: > 0 and <= 320 } e) return;
            if (entries.Any(x => x.Source == source && string.Equals(x.Email, e, StringComparison.OrdinalIgnoreCase))) return;
            entries.Add(new AccessListEntry
            {
                ResourceId = id, Source = source, Email = e, HerokuUserId = userId is { Length: <= 100 } u ? u : null,
                Permissions = permissions.Where(p => p is { Length: > 0 and <= 20 }).Distinct().Order().ToList(),
                Role = role is { Length: > 0 and <= 20 } r ? r : null, RefreshedAt = now,
            });
        }
        Add(AccessSources.Owner, app.Owner?.Id, app.Owner?.Email, [], "owner");
        foreach (var c in collaborators)
            Add(AccessSources.Collaborator, c.User?.Id, c.User?.Email, c.Permissions?.Select(p => p.Name ?? "") ?? [], c.Role);
        foreach (var m in members)
            Add(AccessSources.TeamMember, m.User?.Id, m.Email ?? m.User?.Email, [], m.Role);
        return new Read(appId, addon.App.Name is { Length: <= 100 } n ? n : null, team?.Id, team?.Name is { Length: <= 100 } tn ? tn : null, entries);
    }

    /// <summary>Under the list row's lock, so two refreshes of one resource never interleave their replace.</summary>
    private async Task SaveAsync(Guid id, Action<AccessList> update, List<AccessListEntry>? entries, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"INSERT INTO access_lists (resource_id) VALUES ({id}) ON CONFLICT DO NOTHING", ct);
        var list = await db.AccessLists.FromSql($"SELECT * FROM access_lists WHERE resource_id = {id} FOR UPDATE").SingleAsync(ct);
        list.LastAttemptAt = clock.GetUtcNow().UtcDateTime;
        update(list);
        if (entries is not null)
        {
            await db.AccessListEntries.Where(e => e.ResourceId == id).ExecuteDeleteAsync(ct);
            db.AccessListEntries.AddRange(entries);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>Recurring: queues a refresh for resources holding a grant whose access list is older than ACCESS_LIST_MAX_AGE.</summary>
public sealed class RefreshStaleAccessListsJob(AddonDbContext db, HerokuOptions options, TimeProvider clock) : IJob
{
    public const int BatchSize = 500;

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - options.AccessListMaxAge;
        var ids = await db.Resources
            .Where(r => r.State == ResourceState.Provisioned)
            .Where(r => db.HerokuTokens.Any(t => t.ResourceId == r.Id && t.RefreshTokenCiphertext != null))
            .Select(r => new { r.Id, Last = db.AccessLists.Where(l => l.ResourceId == r.Id).Select(l => l.LastAttemptAt).FirstOrDefault() })
            .Where(x => x.Last == null || x.Last < staleBefore)
            // Never-read first (NULLs sort last in PostgreSQL).
            .OrderBy(x => x.Last != null).ThenBy(x => x.Last).Select(x => x.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var id in ids) db.Enqueue(JobKinds.RefreshAccessList, id.ToString(), now);
        await db.SaveChangesAsync(ct);
    }
}
