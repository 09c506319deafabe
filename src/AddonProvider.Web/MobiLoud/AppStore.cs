using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.MobiLoud;

/// <summary>Reads and writes a resource's app document with optimistic concurrency on xmin.</summary>
public sealed class AppStore(AddonDbContext db, TimeProvider clock)
{
    public const string StaleMessage =
        "Someone saved this app in another window since you opened this page. Your changes are shown below but were not saved; review them and save again.";

    public Task<MobiLoudApp?> FindAsync(Guid resourceId, CancellationToken ct) =>
        db.MobiLoudApps.AsNoTracking().FirstOrDefaultAsync(a => a.ResourceId == resourceId, ct);

    /// <summary>The first visit's website URL creates the app with a default configuration; a second create is a conflict.</summary>
    public async Task<Failure?> CreateAsync(Guid resourceId, string websiteUrl, CancellationToken ct)
    {
        db.MobiLoudApps.Add(new MobiLoudApp
        {
            ResourceId = resourceId, WebsiteUrl = websiteUrl,
            ConfigJson = AppConfig.Default(websiteUrl).ToJson(), UpdatedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation("pk_mobiloud_apps"))
        {
            return Failure.Conflict("The website was already set in another window.");
        }
    }

    /// <summary>Saves a configuration that passed <see cref="AppRules.Check"/>, if nobody saved since <paramref name="version"/>.</summary>
    public async Task<Failure?> SaveAsync(Guid resourceId, uint version, AppConfig config, string? websiteUrl, CancellationToken ct)
    {
        var app = await db.MobiLoudApps.FirstOrDefaultAsync(a => a.ResourceId == resourceId, ct);
        if (app is null) return Failure.NotFound("Set the website URL first.");
        db.Entry(app).Property(a => a.Version).OriginalValue = version;
        app.ConfigJson = config.ToJson();
        if (websiteUrl is not null) app.WebsiteUrl = websiteUrl;
        app.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict(StaleMessage);
        }
    }
}
