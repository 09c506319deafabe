using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Heroku;

/// <summary>Exchanges a provision's OAuth grant code for tokens, soon after the provision commits.</summary>
public sealed class ExchangeGrantJob(HerokuTokens tokens) : IJob
{
    public Task RunAsync(string argument, CancellationToken ct) => tokens.ExchangeGrantAsync(Guid.Parse(argument), ct);
}

/// <summary>Reads the add-on's billing app and stores its owner's email (our contact for the customer).</summary>
public sealed class RefreshOwnerEmailJob(AddonDbContext db, PlatformApiClient platform, TimeProvider clock) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        var resource = await db.Resources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null || resource.State is ResourceState.Deprovisioned or ResourceState.Failed) return;

        var addon = await platform.GetAddonAsync(id, ct);
        if (addon.App?.Id is not { } appId) return;
        var app = await platform.GetAppAsync(id, appId, ct);
        var email = app.Owner?.Email is { Length: > 0 and <= 320 } e ? e : null;
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Resources.Where(r => r.Id == id && r.State != ResourceState.Deprovisioned)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerEmail, email).SetProperty(r => r.OwnerEmailRefreshedAt, now), ct);
    }
}

/// <summary>Recurring: queues an owner-email refresh for resources whose stored email is older than OWNER_EMAIL_MAX_AGE.</summary>
public sealed class RefreshStaleOwnerEmailsJob(AddonDbContext db, HerokuOptions options, TimeProvider clock) : IJob
{
    public const int BatchSize = 500;

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - options.OwnerEmailMaxAge;
        var ids = await db.Resources
            .Where(r => r.State == ResourceState.Provisioned && (r.OwnerEmailRefreshedAt == null || r.OwnerEmailRefreshedAt < staleBefore))
            .Where(r => db.HerokuTokens.Any(t => t.ResourceId == r.Id && t.RefreshTokenCiphertext != null))
            // Never-read first: PostgreSQL sorts NULLs last, which would starve them behind a full batch of merely stale ones.
            .OrderBy(r => r.OwnerEmailRefreshedAt != null).ThenBy(r => r.OwnerEmailRefreshedAt).Select(r => r.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var id in ids) db.Enqueue(JobKinds.RefreshOwnerEmail, id.ToString(), now);
        await db.SaveChangesAsync(ct);
    }
}
