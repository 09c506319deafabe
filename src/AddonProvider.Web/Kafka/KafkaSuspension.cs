using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// After an operator suspends a cluster: its SCRAM users (with their ACLs) leave the shared cluster, so its credentials
/// stop authenticating. Its topics, data, groups and quotas stay. The resource row is locked and re-checked first, so a
/// resume committed meanwhile wins (its job finds the row suspended no more and restores the users after this one).
/// </summary>
public sealed class DisableKafkaUsersJob(AddonDbContext db, IKafkaClusterAdmin cluster) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.LockResourceAsync(id, null, ct) is not { IsSuspended: true }) return;
        await TearDownKafkaClusterJob.DeleteIssuedUsersAsync(db, cluster, id, ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>After a resume: the users of the credentials still in force are back on the cluster, with the plan's quotas.</summary>
public sealed class EnableKafkaUsersJob(AddonDbContext db, KafkaClusterSetup setup) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var id = Guid.Parse(argument);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.LockResourceAsync(id, null, ct) is not { State: ResourceState.Provisioned, IsSuspended: false } resource) return;
        await setup.EnsureAsync(resource, ct);
        await tx.CommitAsync(ct);
    }
}
