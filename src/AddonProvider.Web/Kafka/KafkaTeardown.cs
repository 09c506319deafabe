using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// After a deprovision or a failed asynchronous provision, dispatched right after that commit: everything the resource
/// has on the shared cluster goes — its users with their ACLs first (access ends), then its quotas, topics (with their
/// data) and consumer groups. Our own rows (kafka_topics, kafka_consumer_groups) stay, out of sight since the dashboard
/// opens only for live resources, until the retention purge. Each call succeeds on what is already gone, so a retry
/// finishes the rest.
/// </summary>
public sealed class TearDownKafkaClusterJob(AddonDbContext db, IKafkaClusterAdmin cluster) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        if (!await db.Resources.AnyAsync(r => r.Id == id && (r.State == ResourceState.Deprovisioned || r.State == ResourceState.Failed), ct)) return;

        await DeleteIssuedUsersAsync(db, cluster, id, ct);
        await cluster.DeleteQuotasAsync(id, ct);

        var prefix = KafkaTenancy.Prefix(id);
        var topics = await db.KafkaTopics.Where(t => t.ResourceId == id).Select(t => t.Name).ToListAsync(ct);
        foreach (var topic in (await cluster.ListTopicsAsync(prefix, ct)).Union(topics.Where(t => KafkaTenancy.Owns(id, t))))
            await cluster.DeleteTopicAsync(id, topic, ct);
        var groups = await db.KafkaConsumerGroups.Where(g => g.ResourceId == id).Select(g => g.Name).ToListAsync(ct);
        foreach (var group in (await cluster.ListGroupsAsync(prefix, ct)).Union(groups.Where(g => KafkaTenancy.Owns(id, g))))
            await cluster.DeleteGroupAsync(id, group, ct);
    }

    /// <summary>
    /// Removes from the cluster every SCRAM user we ever issued the resource, with their ACLs: a broker cannot list the
    /// users of one tenant, our credentials can. Deleting a user already gone succeeds. Teardown and suspension both.
    /// </summary>
    internal static async Task DeleteIssuedUsersAsync(AddonDbContext db, IKafkaClusterAdmin cluster, Guid id, CancellationToken ct)
    {
        var usernames = await db.Credentials
            .Where(c => c.ResourceId == id && c.Kind == CredentialKind.KafkaScram && c.Username != null)
            .Select(c => c.Username!).ToListAsync(ct);
        foreach (var username in usernames) await cluster.DeleteUserAsync(id, username, ct);
    }
}
