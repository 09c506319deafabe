using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// Creates the resource's cluster users (one per valid credential) and applies its plan's quotas. A suspended resource
/// gets its quotas but no users (an operator's rotation meanwhile must not re-enable it); its resume creates them.
/// </summary>
public sealed class KafkaClusterSetup(AddonDbContext db, IKafkaClusterAdmin admin, CatalogCache catalog, TimeProvider clock)
{
    public async Task EnsureAsync(Resource resource, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.Resources.AnyAsync(r => r.Id == resource.Id && r.SuspendedAt != null && r.State == ResourceState.Provisioned, ct))
        {
            await ApplyQuotasAsync(resource, ct);
            return;
        }
        var credentials = await db.Credentials.AsNoTracking()
            .Where(c => c.ResourceId == resource.Id && c.Kind == CredentialKind.KafkaScram && c.RevokedAt == null)
            .ToListAsync(ct);
        foreach (var credential in credentials.Where(c => c.IsValidAt(now)))
            await admin.EnsureUserAsync(resource.Id, credential, ct);
        await ApplyQuotasAsync(resource, ct);
    }

    public async Task ApplyQuotasAsync(Resource resource, CancellationToken ct)
    {
        var plan = (await catalog.GetAsync()).Plan(resource.ProductId, resource.PlanSlug)!;
        await admin.ApplyQuotasAsync(resource.Id, plan, ct);
    }
}

/// <summary>A synchronously provisioned cluster (no grant): the config was answered at once; set the cluster up behind it.</summary>
public sealed class SetUpKafkaClusterJob(AddonDbContext db, KafkaClusterSetup setup) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        if (await KafkaJobResources.LiveAsync(db, argument, ct) is { } resource) await setup.EnsureAsync(resource, ct);
    }
}

/// <summary>After a plan change: the cluster follows the new plan's quotas.</summary>
public sealed class ApplyKafkaQuotasJob(AddonDbContext db, KafkaClusterSetup setup) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        if (await KafkaJobResources.LiveAsync(db, argument, ct) is { } resource) await setup.ApplyQuotasAsync(resource, ct);
    }
}

/// <summary>
/// Finishes an asynchronous KafkaCluster provision: cluster user and quotas, then the config vars through
/// the Platform API, then actions/provision, then the state. The state is re-read before each Heroku call, so a
/// deprovision that arrives meanwhile stops what is still pending. Past ASYNC_PROVISION_WINDOW the resource is failed.
/// </summary>
public sealed class FinishKafkaProvisioningJob(
    AddonDbContext db, KafkaClusterSetup setup, PlatformApiClient platform, KafkaProduct product, HerokuOptions options, TimeProvider clock,
    ILogger<FinishKafkaProvisioningJob> logger) : IJob
{
    public const string Actor = "kafka-provisioner";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        if (await StillProvisioningAsync(id, ct) is not { } resource) return;
        var now = clock.GetUtcNow().UtcDateTime;
        if (now > resource.CreatedAt + options.AsyncProvisionWindow)
        {
            await FailAsync(resource, $"not finished within {options.AsyncProvisionWindow.TotalHours:0.#} hours of the provision request", now, ct);
            return;
        }

        await setup.EnsureAsync(resource, ct);
        var credential = await db.CurrentCredentialAsync(id, ct) ?? throw new InvalidOperationException($"Resource {id} has no current credential.");
        var config = product.RenderConfig(resource, credential);

        if (await StillProvisioningAsync(id, ct) is null) return;
        await platform.UpdateConfigAsync(id, config, ct);
        if (await StillProvisioningAsync(id, ct) is null) return;
        await platform.MarkProvisionedAsync(id, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.Resources.Where(r => r.Id == id && r.State == ResourceState.Provisioning)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ResourceState.Provisioned).SetProperty(r => r.UpdatedAt, now), ct);
        if (changed == 1)
        {
            db.AuditLog.Add(AuditLog.Entry(now, Actor, "provisioned", resource, "provisioning", "provisioned"));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (changed == 0) logger.LogInformation("Resource {Id} left provisioning while it was being finished; state kept", id);
    }

    private async Task<Resource?> StillProvisioningAsync(Guid id, CancellationToken ct) =>
        await db.Resources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.State == ResourceState.Provisioning, ct);

    private async Task FailAsync(Resource resource, string reason, DateTime now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Resources.Where(r => r.Id == resource.Id && r.State == ResourceState.Provisioning)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ResourceState.Failed).SetProperty(r => r.UpdatedAt, now), ct);
        if (changed == 1)
        {
            db.AuditLog.Add(AuditLog.Entry(now, Actor, "provision_failed", resource, "provisioning", "failed",
                detail: System.Text.Json.JsonSerializer.Serialize(new { reason })));
            // What the attempts set up on the cluster goes, as at a deprovision.
            product.AfterDeprovision(db, resource, now);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}

/// <summary>
/// Recurring: gives every KafkaCluster still provisioning another attempt (Hangfire's own retries end after a
/// few hours; the window is longer), and so fails those past the window.
/// </summary>
public sealed class SweepKafkaProvisioningJob(AddonDbContext db, TimeProvider clock) : IJob
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var before = now - Grace;
        var ids = await db.Resources
            .Where(r => r.ProductId == CatalogDefinition.KafkaCluster && r.State == ResourceState.Provisioning && r.CreatedAt < before)
            .Select(r => r.Id).Take(1000).ToListAsync(ct);
        foreach (var id in ids) db.Enqueue(KafkaJobKinds.FinishProvisioning, id.ToString(), now);
        await db.SaveChangesAsync(ct);
    }
}

internal static class KafkaJobResources
{
    /// <summary>The job's resource while it still has a cluster to set up (provisioning or provisioned); otherwise null.</summary>
    public static async Task<Resource?> LiveAsync(AddonDbContext db, string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        var resource = await db.Resources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        return resource is { State: ResourceState.Provisioned or ResourceState.Provisioning } ? resource : null;
    }
}
