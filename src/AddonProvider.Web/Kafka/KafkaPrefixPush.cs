using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// Hands KAFKACLUSTER_PREFIX to a resource provisioned before that config var existed. Enqueued once per such resource
/// by the migration KafkaTenantPrefix (an outbox row for every live KafkaCluster holding a Platform API grant); resources
/// provisioned since get it with the rest of their config. It PATCHes only that one var — Heroku merges config — so it
/// cannot race a rotation's push of the credential, and pushing it again sets the same value: a retry is harmless.
/// </summary>
public sealed class PushKafkaPrefixJob(AddonDbContext db, PlatformApiClient platform, TimeProvider clock) : IJob
{
    public const string Actor = "kafka-tenancy";

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        var resource = await db.Resources.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        // Still provisioning: a finishing job of the previous release may yet push four vars; Hangfire retries this later.
        if (resource is { State: ResourceState.Provisioning })
            throw new InvalidOperationException($"Resource {id} is still provisioning; its prefix is pushed once it is provisioned.");
        if (resource is not { State: ResourceState.Provisioned }) return;

        var prefix = KafkaTenancy.Prefix(id);
        string action;
        try
        {
            await platform.UpdateConfigAsync(id, new Dictionary<string, string> { [KafkaProduct.PrefixVar] = prefix }, ct);
            action = "prefix_pushed";
        }
        catch (NoPlatformTokenException)
        {
            action = "prefix_push_skipped";
        }
        db.AuditLog.Add(AuditLog.Entry(clock.GetUtcNow().UtcDateTime, Actor, action, resource, after: prefix,
            detail: JsonSerializer.Serialize(new { config_var = KafkaProduct.PrefixVar })));
        await db.SaveChangesAsync(ct);
    }
}
